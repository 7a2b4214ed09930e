import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { status } from '@grpc/grpc-js';
import { actionMessageFromFile } from '@mig-data/client';
import type { Action } from '@mig-data/contract';
import { generateKeyPair, migSignatureFromBytes, readActionSignature } from '@mig-data/pgp';
import { generateKey } from 'openpgp';
import { action, grpcCode } from './support/fixtures';
import { registerTestInvestigator, signWith, signedAction, type TestInvestigator } from './support/signing';
import { startTestService, type TestService } from './support/test-service';

const CORPUS_DIR = join(__dirname, '../../../testdata/mig-actions');

/** A corpus file as a CreateAction message, valid from now on: operations exactly as the file has them. */
function corpusAction(file: string): Action {
  const { name, target, description, threat, operations } = actionMessageFromFile(readFileSync(join(CORPUS_DIR, file), 'utf8'));
  return action({ name, target, description, threat, operations, pgpsignatures: [] });
}

describe('CreateAction verifies signatures against active investigators', () => {
  let t: TestService;
  let alice: TestInvestigator;
  let bob: TestInvestigator;
  beforeAll(async () => {
    // Ed25519 investigators (Bob, Dana) need the operator's setting: signatures of every key the
    // service can be told to accept must verify.
    t = await startTestService(undefined, undefined, { MIG_DATA_ALLOW_NON_RSA_KEYS: 'true' });
    [alice, bob] = await Promise.all([registerTestInvestigator(t, 'Alice RSA', 'rsa2048'), registerTestInvestigator(t, 'Bob Ed25519', 'ed25519')]);
  });
  afterAll(() => t.stop());

  const counts = async () => (await t.sql.query(`SELECT (SELECT count(*)::int FROM actions) AS actions, (SELECT count(*)::int FROM signatures) AS signatures`)).rows[0];

  const corpus = readdirSync(CORPUS_DIR).filter((file) => file.endsWith('.json'));
  it.each(corpus)('accepts %s signed for real, and stores one signature row linked to the signer', async (file) => {
    const signed = await signWith(corpusAction(file), [alice]);
    const { action: stored } = await t.clients.actions.createAction({ action: signed });
    expect(stored!.investigators).toEqual([{ id: alice.id, name: 'Alice RSA', pgpfingerprint: alice.pgpfingerprint, status: 'active' }]);
    expect(stored!.operations).toEqual(signed.operations);
    const { rows } = await t.sql.query(`SELECT investigatorid, pgpsignature FROM signatures WHERE actionid = $1`, [stored!.id]);
    expect(rows).toEqual([{ investigatorid: String(alice.id), pgpsignature: signed.pgpsignatures[0] }]);
  });

  it('stores an action signed by two investigators with both signature rows, and reads them back on GetAction and ListActions', async () => {
    const signed = await signWith(action({ name: 'two signers', pgpsignatures: [] }), [alice, bob]);
    const { action: stored } = await t.clients.actions.createAction({ action: signed });
    const expected = [alice, bob].sort((a, b) => a.id - b.id).map((i) => ({ id: i.id, name: i.name, pgpfingerprint: i.pgpfingerprint, status: 'active' }));
    expect(stored!.investigators).toEqual(expected);
    expect((await t.clients.actions.getAction({ id: stored!.id })).action!.investigators).toEqual(expected);
    const listed = (await t.clients.actions.listActions({ pageSize: 1000, pageToken: '' })).actions.find((a) => a.id === stored!.id);
    expect(listed!.investigators).toEqual(expected);
    const signers = await t.clients.investigators.listActionInvestigators({ actionId: stored!.id, pageSize: 0, pageToken: '' });
    expect(signers.investigators.map((i) => i.pgpfingerprint)).toEqual(expected.map((i) => i.pgpfingerprint));
  });

  it('accepts a signature made by a signing subkey (its key id is not the end of the fingerprint)', async () => {
    const keys = await generateKey({ type: 'ecc', curve: 'ed25519Legacy', userIDs: [{ name: 'Dana Subkey' }], subkeys: [{ sign: true }], format: 'object' });
    const subkeyId = keys.privateKey.subkeys[0].getKeyID().toHex().toUpperCase();
    const { investigator } = await t.clients.investigators.createInvestigator({ name: 'Dana Subkey', publickey: keys.publicKey.armor() });
    expect(investigator!.pgpfingerprint.endsWith(subkeyId)).toBe(false);
    const dana = { id: investigator!.id, name: 'Dana Subkey', pgpfingerprint: investigator!.pgpfingerprint, armoredPublicKey: keys.publicKey.armor(), armoredPrivateKey: keys.privateKey.armor() };
    const signed = await signedAction(t, { name: 'by a subkey' }, [dana]);
    expect((await readActionSignature(signed.pgpsignatures[0])).signingKeyIds).toEqual([subkeyId]);
    expect((await t.clients.actions.createAction({ action: signed })).action!.investigators.map((i) => i.id)).toEqual([dana.id]);
  });

  describe('refuses, naming the reason, and stores nothing', () => {
    async function refusedWithNothingStored(message: Action) {
      const before = await counts();
      const refused = await grpcCode(t.clients.actions.createAction({ action: message }));
      expect(await counts()).toEqual(before);
      return refused;
    }

    it('an action changed after it was signed (one byte of the target, a later expireafter, an operation)', async () => {
      const signed = await signedAction(t, { name: 'tampered' }, [alice]);
      const tampered: Array<Partial<Action>> = [
        { target: signed.target.replace('linux', 'linuy') },
        { expireafter: new Date(signed.expireafter!.getTime() + 1000) },
        { operations: [{ module: 'file', parameters: { searches: { s1: { names: ['fusermount'], paths: ['/'] } } } }] },
      ];
      for (const change of tampered) {
        const refused = await refusedWithNothingStored({ ...signed, ...change });
        expect(refused.code).toBe(status.INVALID_ARGUMENT);
        expect(refused.details).toContain('action.pgpsignatures[0]');
        expect(refused.details).toContain('the action was changed after it was signed');
      }
    });

    it('a signer who is not a registered investigator', async () => {
      const stranger = { ...alice, id: -1, armoredPrivateKey: (await generateKeyPair('Stranger', 'stranger@example.net', 'ed25519')).armoredPrivateKey };
      const refused = await refusedWithNothingStored(await signedAction(t, { name: 'stranger' }, [stranger]));
      expect(refused.code).toBe(status.PERMISSION_DENIED);
      expect(refused.details).toContain('belongs to no investigator');
    });

    it('a disabled investigator, and the same one again once active', async () => {
      const carol = await registerTestInvestigator(t, 'Carol');
      await t.clients.investigators.updateInvestigatorStatus({ id: carol.id, status: 'disabled' });
      const signed = await signedAction(t, { name: 'by carol' }, [carol]);
      const refused = await refusedWithNothingStored(signed);
      expect(refused.code).toBe(status.PERMISSION_DENIED);
      expect(refused.details).toContain(`signer Carol (${carol.pgpfingerprint}) is disabled`);
      await t.clients.investigators.updateInvestigatorStatus({ id: carol.id, status: 'active' });
      expect((await t.clients.actions.createAction({ action: signed })).action!.investigators.map((i) => i.id)).toEqual([carol.id]);
    });

    it('one bad signature among good ones', async () => {
      const signed = await signedAction(t, { name: 'co-signed' }, [alice, bob]);
      const refused = await refusedWithNothingStored({ ...signed, pgpsignatures: [signed.pgpsignatures[0], 'wsBcBAABCAAQBQJUcDdtCRBLt3C3e4m9eQAAqg0IAH=abcd'] });
      expect(refused.code).toBe(status.INVALID_ARGUMENT);
      expect(refused.details).toContain('action.pgpsignatures[1]');
    });

    it('a malformed signature: not base64, a broken checksum, not a signature packet', async () => {
      const signed = await signedAction(t, { name: 'malformed' }, [alice]);
      const good = signed.pgpsignatures[0];
      const flipped = good.slice(0, 20) + (good[20] === 'A' ? 'B' : 'A') + good.slice(21);
      const cases: Array<[string, string]> = [
        ['not a signature at all', 'is not a de-armored OpenPGP signature'],
        [flipped, 'checksum does not match its body'],
        [migSignatureFromBytes(Buffer.from('not a signature packet')), 'is not an OpenPGP signature'],
      ];
      for (const [signature, reason] of cases) {
        const refused = await refusedWithNothingStored({ ...signed, pgpsignatures: [signature] });
        expect(refused).toEqual({ code: status.INVALID_ARGUMENT, details: expect.stringContaining(reason) });
      }
    });

    it('the same investigator signing twice', async () => {
      const signed = await signedAction(t, { name: 'twice' }, [bob, bob]);
      const refused = await refusedWithNothingStored(signed);
      expect(refused.code).toBe(status.PERMISSION_DENIED);
      expect(refused.details).toContain('already signed this action');
    });

    it('an existing id is refused only once the signatures pass (permission before existence)', async () => {
      const stored = (await t.clients.actions.createAction({ action: await signedAction(t, { name: 'first' }, [alice]) })).action!;
      const unsigned = action({ id: stored.id });
      expect((await refusedWithNothingStored(unsigned)).code).toBe(status.INVALID_ARGUMENT);
      const again = await signedAction(t, { id: stored.id, name: 'second' }, [alice]);
      expect((await refusedWithNothingStored(again)).code).toBe(status.ALREADY_EXISTS);
    });
  });
});
