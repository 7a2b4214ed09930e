import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { status } from '@grpc/grpc-js';
import { generateKey, revokeKey } from 'openpgp';
import { grpcCode } from './support/fixtures';
import { registerTestInvestigator } from './support/signing';
import { startTestService, type TestService } from './support/test-service';
import { generateKeyPair } from '@mig-data/pgp';
import { readServiceConfig } from '../src/config/service-config';

describe('InvestigatorService over gRPC', () => {
  let t: TestService;
  beforeAll(async () => {
    t = await startTestService();
  });
  afterAll(() => t.stop());

  const investigatorCount = async () => (await t.sql.query(`SELECT count(*)::int AS n FROM investigators`)).rows[0].n as number;

  it('registers an investigator from an RSA public key, the fingerprint read from the key (seed §2.1 in one call)', async () => {
    const keys = await generateKeyPair('Bob Kelso', 'bob@example.net', 'rsa2048');
    const { investigator } = await t.clients.investigators.createInvestigator({ name: 'Bob Kelso', publickey: keys.armoredPublicKey });
    expect(investigator).toMatchObject({ name: 'Bob Kelso', pgpfingerprint: keys.fingerprint, status: 'active' });
    expect(investigator!.pgpfingerprint).toMatch(/^[0-9A-F]{40}$/);
    expect(investigator!.publickey).toContain('-----BEGIN PGP PUBLIC KEY BLOCK-----');

    const { rows } = await t.sql.query(`SELECT pgpfingerprint, status, privatekey IS NULL AS noprivatekey, convert_from(publickey, 'UTF8') AS publickey FROM investigators WHERE id = $1`, [investigator!.id]);
    expect(rows[0]).toMatchObject({ pgpfingerprint: keys.fingerprint, status: 'active', noprivatekey: true });
    expect(rows[0].publickey).toBe(investigator!.publickey);

    expect((await t.clients.investigators.getInvestigator({ id: investigator!.id })).investigator).toEqual(investigator);
    const byFingerprint = await t.clients.investigators.getInvestigatorByFingerprint({ pgpfingerprint: keys.fingerprint.toLowerCase() });
    expect(byFingerprint.investigator).toEqual(investigator);
  });

  it("refuses by default, as INVALID_ARGUMENT saying why, keys MIG's Go agents cannot read: Ed25519, an RSA key with an Ed25519 signing subkey or a Curve25519 subkey, a v6 key", async () => {
    const rsa = { type: 'rsa' as const, rsaBits: 2048 };
    const ed25519 = await generateKeyPair('Ed Twentyfive', 'ed@example.net', 'ed25519');
    const ed25519Subkey = await generateKey({ ...rsa, userIDs: [{ name: 'Subkey Signer' }], subkeys: [{}, { type: 'ecc', curve: 'ed25519Legacy', sign: true }] });
    const curve25519Subkey = await generateKey({ ...rsa, userIDs: [{ name: 'Curve Encrypter' }], subkeys: [{ type: 'ecc', curve: 'curve25519Legacy' }] });
    const version6 = await generateKey({ ...rsa, userIDs: [{ name: 'Version Six' }], config: { v6Keys: true } });
    const cases: Array<[string, string]> = [
      [ed25519.armoredPublicKey, 'its primary key is eddsaLegacy (ed25519Legacy), not RSA'],
      [ed25519Subkey.publicKey, 'eddsaLegacy (ed25519Legacy), not RSA'],
      [curve25519Subkey.publicKey, 'ecdh (curve25519Legacy), not RSA'],
      [version6.publicKey, 'its primary key is an OpenPGP version 6 key'],
    ];
    const before = await investigatorCount();
    for (const [publickey, reason] of cases) {
      const refused = await grpcCode(t.clients.investigators.createInvestigator({ name: 'Not For Go Agents', publickey }));
      expect(refused).toEqual({ code: status.INVALID_ARGUMENT, details: expect.stringContaining(reason) });
      expect(refused.details).toContain("MIG's Go agents (golang.org/x/crypto/openpgp) verify only version 4 RSA keys");
      expect(refused.details).toContain('MIG_DATA_ALLOW_NON_RSA_KEYS=true');
    }
    expect(await investigatorCount()).toBe(before);
  });

  it('accepts an Ed25519 key when the operator sets MIG_DATA_ALLOW_NON_RSA_KEYS=true (fleets whose agents can verify it)', async () => {
    const allowing = await startTestService(undefined, undefined, { MIG_DATA_ALLOW_NON_RSA_KEYS: 'true' });
    try {
      const keys = await generateKeyPair('Ed Allowed', 'ed.allowed@example.net', 'ed25519');
      const { investigator } = await allowing.clients.investigators.createInvestigator({ name: 'Ed Allowed', publickey: keys.armoredPublicKey });
      expect(investigator).toMatchObject({ name: 'Ed Allowed', pgpfingerprint: keys.fingerprint, status: 'active' });
    } finally {
      await allowing.stop();
    }
  });

  it('documents MIG_DATA_ALLOW_NON_RSA_KEYS in --help and takes only true or false', () => {
    const help = execFileSync(process.execPath, [join(__dirname, '../dist/main.js'), '--help'], { encoding: 'utf8' });
    expect(help).toMatch(/MIG_DATA_ALLOW_NON_RSA_KEYS +true: CreateInvestigator accepts keys other than RSA v4/);
    expect(readServiceConfig({ MIG_DATA_ALLOW_NON_RSA_KEYS: 'true' }).allowNonRsaKeys).toBe(true);
    expect(readServiceConfig({}).allowNonRsaKeys).toBe(false);
    expect(() => readServiceConfig({ MIG_DATA_ALLOW_NON_RSA_KEYS: 'yes' })).toThrow(/MIG_DATA_ALLOW_NON_RSA_KEYS="yes": must be true or false/);
  });

  it('refuses a second investigator with the same key as ALREADY_EXISTS, naming the holder', async () => {
    const first = await registerTestInvestigator(t, 'First Holder');
    const before = await investigatorCount();
    const refused = await grpcCode(t.clients.investigators.createInvestigator({ name: 'Second Holder', publickey: first.armoredPublicKey }));
    expect(refused.code).toBe(status.ALREADY_EXISTS);
    expect(refused.details).toContain(first.pgpfingerprint);
    expect(refused.details).toContain('First Holder');
    expect(await investigatorCount()).toBe(before);
  });

  it('refuses a key that does not parse, is private, revoked or expired, saying which, and stores nothing', async () => {
    const pair = await generateKey({ type: 'ecc', curve: 'ed25519Legacy', userIDs: [{ name: 'Revoked' }], format: 'object' });
    const revoked = await revokeKey({ key: pair.privateKey, format: 'armored' });
    const expired = await generateKey({ type: 'ecc', curve: 'ed25519Legacy', userIDs: [{ name: 'Expired' }], keyExpirationTime: 60, date: new Date(Date.now() - 3_600_000) });
    const cases: Array<[string, string, string]> = [
      ['not a key', 'hello', 'publickey: is not an armored OpenPGP key'],
      ['a private key', pair.privateKey.armor(), 'publickey: is a private key'],
      ['a revoked key', revoked.publicKey, 'is revoked'],
      ['an expired key', expired.publicKey, 'expired on'],
      ['no key', '  ', 'publickey: is required'],
    ];
    const before = await investigatorCount();
    for (const [, publickey, reason] of cases) {
      const refused = await grpcCode(t.clients.investigators.createInvestigator({ name: 'Refused', publickey }));
      expect(refused).toEqual({ code: status.INVALID_ARGUMENT, details: expect.stringContaining(reason) });
      expect(refused.details).not.toContain('PRIVATE KEY');
    }
    expect((await grpcCode(t.clients.investigators.createInvestigator({ name: '', publickey: pair.publicKey.armor() }))).details).toContain('name: must not be empty');
    expect(await investigatorCount()).toBe(before);
  });

  it('sets status active or disabled only, and lists by status', async () => {
    const investigator = await registerTestInvestigator(t, 'Status Walker');
    const disabled = await t.clients.investigators.updateInvestigatorStatus({ id: investigator.id, status: 'disabled' });
    expect(disabled.investigator).toMatchObject({ id: investigator.id, status: 'disabled' });
    expect(disabled.investigator!.lastmodified!.getTime()).toBeGreaterThanOrEqual(disabled.investigator!.createdat!.getTime());

    const listedDisabled = await t.clients.investigators.listInvestigators({ status: 'disabled', pageSize: 0, pageToken: '' });
    expect(listedDisabled.investigators.map((i) => i.id)).toContain(investigator.id);
    const listedActive = await t.clients.investigators.listInvestigators({ status: 'active', pageSize: 0, pageToken: '' });
    expect(listedActive.investigators.map((i) => i.id)).not.toContain(investigator.id);
    expect(listedActive.investigators.every((i) => i.status === 'active')).toBe(true);

    expect((await grpcCode(t.clients.investigators.updateInvestigatorStatus({ id: investigator.id, status: 'deleted' }))).code).toBe(status.INVALID_ARGUMENT);
    expect((await grpcCode(t.clients.investigators.updateInvestigatorStatus({ id: 999_999, status: 'active' }))).code).toBe(status.NOT_FOUND);
    expect((await t.clients.investigators.updateInvestigatorStatus({ id: investigator.id, status: 'active' })).investigator!.status).toBe('active');
  });

  it('pages the list and answers NOT_FOUND / INVALID_ARGUMENT plainly', async () => {
    await registerTestInvestigator(t, 'Pager One');
    await registerTestInvestigator(t, 'Pager Two');
    const first = await t.clients.investigators.listInvestigators({ pageSize: 1, pageToken: '' });
    const second = await t.clients.investigators.listInvestigators({ pageSize: 1, pageToken: first.nextPageToken });
    expect(first.investigators).toHaveLength(1);
    expect(second.investigators[0].id).toBeGreaterThan(first.investigators[0].id);
    expect((await grpcCode(t.clients.investigators.getInvestigator({ id: 987_654 }))).code).toBe(status.NOT_FOUND);
    expect((await grpcCode(t.clients.investigators.getInvestigatorByFingerprint({ pgpfingerprint: 'A'.repeat(40) }))).code).toBe(status.NOT_FOUND);
    expect((await grpcCode(t.clients.investigators.getInvestigatorByFingerprint({ pgpfingerprint: 'xyz' }))).details).toContain('pgpfingerprint: must be 40 hex characters');
    expect((await grpcCode(t.clients.investigators.listActionInvestigators({ actionId: 123_456, pageSize: 0, pageToken: '' }))).code).toBe(status.NOT_FOUND);
  });

  it("keeps working with the seed's hand-written INSERT (§2.1), and finds that investigator by fingerprint in any case", async () => {
    await t.sql.query(`INSERT INTO investigators (name, pgpfingerprint) VALUES ('Bob Kelso', 'e608aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa')`);
    const { investigator } = await t.clients.investigators.getInvestigatorByFingerprint({ pgpfingerprint: 'E608AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' });
    expect(investigator).toMatchObject({ name: 'Bob Kelso', status: 'active', publickey: '' });
  });
});
