import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Action } from '@mig-data/contract';
import { parseActionFile } from '@mig-data/domain';
import { actionCanonicalString, goOperationsJson, readActionSignature, readVerificationKey, verifyTextSignature } from '@mig-data/pgp';
import { action, heartbeat } from './support/fixtures';
import { registerTestInvestigator, signWith, type TestInvestigator } from './support/signing';
import { startTestService, type TestService } from './support/test-service';

// What the service stores for an action is what was verified: every read path gives back
// operations whose canonical string is byte for byte the one the signatures were checked over.
// The corpus: MIG's vendored actions, plus Go's number, Unicode and escaping edge cases
// (tricky-action.json) and compressed operations made by Go (compressed-action.json).
const CORPUS_DIR = join(__dirname, '../../../testdata/mig-actions');
const GO_FIXTURES_DIR = join(__dirname, '../../../libs/pgp/fixtures/go-canonical');
const CORPUS = [
  ...readdirSync(CORPUS_DIR)
    .filter((file) => file.endsWith('.json'))
    .map((file) => join(CORPUS_DIR, file)),
  join(GO_FIXTURES_DIR, 'tricky-action.json'),
  join(GO_FIXTURES_DIR, 'compressed-action.json'),
];

/**
 * A file's action as a CreateAction message valid from now on, operations (flags too) as the file
 * has them, except NUL: the service refuses it in every JSON string (request-values.ts), so the
 * tricky file's NULs become U+0001, another control character Go escapes as \u00XX.
 */
function fileAction(path: string): Action {
  const parsed = parseActionFile(readFileSync(path, 'utf8').replace(/\\u0000/g, '\\u0001'));
  return action({ name: parsed.name, target: parsed.target, operations: parsed.operations, pgpsignatures: [] });
}

const canonicalOf = (message: Action) => actionCanonicalString({ ...message, validfrom: message.validfrom!, expireafter: message.expireafter! });

describe('an accepted action reads back with the very bytes its signatures cover', () => {
  let t: TestService;
  let alice: TestInvestigator;
  let agentId: number;
  /** Per stored action id: the canonical string verified at creation. */
  const verified = new Map<number, string>();

  beforeAll(async () => {
    t = await startTestService();
    alice = await registerTestInvestigator(t, 'Alice Bytes', 'rsa2048');
    [agentId] = (await t.clients.agents.recordHeartbeats({ heartbeats: [heartbeat('bytes.example.net')] })).results.map((result) => result.agentId);
    const minusZero = action({ name: 'minus zero', operations: [{ module: 'file', parameters: { depth: -0, list: [-0, 0, -0.0], big: 1e21, small: 1e-7, huge: 12345678901234567890 } }], pgpsignatures: [] });
    for (const unsigned of [...CORPUS.map(fileAction), minusZero]) {
      const signed = await signWith(unsigned, [alice]);
      const { action: stored } = await t.clients.actions.createAction({ action: signed });
      verified.set(stored!.id, canonicalOf(signed));
      await t.sql.query(`INSERT INTO commands (id, actionid, agentid, status, starttime) VALUES (nextval('mig_id_seq'), $1, $2, 'sent', now())`, [stored!.id, agentId]);
    }
  });
  afterAll(() => t.stop());

  async function expectSignedBytes(read: Action[], path: string) {
    expect(read.map((a) => a.id).sort()).toEqual([...verified.keys()].sort());
    for (const message of read) {
      expect({ path, id: message.id, canonical: canonicalOf(message) }).toEqual({ path, id: message.id, canonical: verified.get(message.id) });
    }
  }

  it('the corpus has what it must test: -0, 1e21, 1e-7, integers past 2^53, U+2028, <>&, lone surrogates, control characters, compression flags', () => {
    const all = [...verified.values()].join('\n');
    for (const text of ['-0', '1e+21', '1e-7', '12345678901234567000', '\\u2028', '\\u003c', '\\u0026', '\ufffd', '\\u0001', '\\u0008', '"is_compressed":true', '"want_compressed":true']) {
      expect(all).toContain(text);
    }
  });

  it('stores the operations as the JSON text that was verified, as MIG stores json.Marshal(operations)', async () => {
    const { rows } = await t.sql.query(`SELECT id, operations::text AS operations FROM actions`);
    expect(rows).toHaveLength(verified.size);
    for (const row of rows) expect(verified.get(Number(row.id))).toContain(`;operations=${row.operations};`);
  });

  it('GetAction', async () => {
    await expectSignedBytes(await Promise.all([...verified.keys()].map(async (id) => (await t.clients.actions.getAction({ id })).action!)), 'GetAction');
  });

  it('ListActions', async () => {
    await expectSignedBytes((await t.clients.actions.listActions({ pageSize: 1000, pageToken: '' })).actions, 'ListActions');
  });

  it('SearchActions and SearchCommands', async () => {
    const filter = { limit: 1000, offset: 0, after: undefined, before: undefined };
    await expectSignedBytes((await t.clients.search.searchActions({ filter })).actions, 'SearchActions');
    await expectSignedBytes((await t.clients.search.searchCommands({ filter })).commands.map((found) => found.action!), 'SearchCommands');
  });

  it('ClaimPendingActions, and the stored signatures still verify over what was read', async () => {
    const claimed = (await t.clients.actions.claimPendingActions({ limit: 1000 })).actions;
    await expectSignedBytes(claimed, 'ClaimPendingActions');
    const key = await readVerificationKey(alice.armoredPublicKey);
    for (const message of claimed) {
      const { rows } = await t.sql.query(`SELECT pgpsignature FROM signatures WHERE actionid = $1`, [message.id]);
      expect(rows.map((row) => row.pgpsignature)).toEqual(message.pgpsignatures);
      for (const signature of message.pgpsignatures) await verifyTextSignature(canonicalOf(message), await readActionSignature(signature), key);
    }
  });

  it('keeps -0 as -0 (it used to come back as 0, and the action no longer verified)', async () => {
    const [id] = [...verified.entries()].find(([, canonical]) => canonical.startsWith('name=minus zero;'))!;
    const { action: read } = await t.clients.actions.getAction({ id });
    expect(Object.is((read!.operations[0].parameters as { depth: number }).depth, -0)).toBe(true);
    expect(goOperationsJson(read!.operations)).toBe('[{"module":"file","parameters":{"big":1e+21,"depth":-0,"huge":12345678901234567000,"list":[-0,0,-0],"small":1e-7}}]');
  });
});
