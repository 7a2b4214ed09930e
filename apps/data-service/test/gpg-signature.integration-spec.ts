import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { status } from '@grpc/grpc-js';
import type { Action } from '@mig-data/contract';
import { parseActionFile } from '@mig-data/domain';
import { actionCanonicalString, goJson } from '@mig-data/pgp';
import { action, grpcCode } from './support/fixtures';
import { startTestService, type TestService } from './support/test-service';

/**
 * The spec's de-armoring, written out here independently of libs/pgp: the base64 body of the
 * armored signature with its line breaks removed, followed directly by the =XXXX checksum.
 */
function deArmorAsTheSpecSays(armored: string): string {
  const lines = armored.trim().split('\n').map((line) => line.trim());
  const body = lines.slice(lines.indexOf('') + 1, lines.indexOf('-----END PGP SIGNATURE-----'));
  return body.join('');
}

describe('an action signed by GnuPG (gpg --detach-sign --armor), as MIG users signed them', () => {
  let t: TestService;
  let gnupgHome: string;
  let fingerprint: string;
  const gpg = (...args: string[]) =>
    execFileSync('gpg', ['--batch', '--pinentry-mode', 'loopback', '--passphrase', '', ...args], { env: { ...process.env, GNUPGHOME: gnupgHome }, stdio: ['ignore', 'pipe', 'pipe'] }).toString('utf8');

  beforeAll(async () => {
    t = await startTestService();
    // A throwaway keyring: nothing of the user's own GnuPG is read or touched.
    gnupgHome = mkdtempSync(join(tmpdir(), 'mig-gnupg-'));
    gpg('--quick-gen-key', 'GPG Investigator <gpg.investigator@example.net>', 'rsa2048', 'sign', 'never');
    fingerprint = /^fpr:+([0-9A-F]{40}):/m.exec(gpg('--with-colons', '--list-keys'))![1];
    const publickey = gpg('--armor', '--export', fingerprint);
    const { investigator } = await t.clients.investigators.createInvestigator({ name: 'GPG Investigator', publickey });
    expect(investigator!.pgpfingerprint).toBe(fingerprint);
  });
  afterAll(async () => {
    try {
      execFileSync('gpgconf', ['--kill', 'gpg-agent'], { env: { ...process.env, GNUPGHOME: gnupgHome }, stdio: 'ignore' });
    } finally {
      rmSync(gnupgHome, { recursive: true, force: true });
      await t.stop();
    }
  });

  /** Signs `canonical` (by default the canonical string of `message`) with gpg, as an investigator would from a shell. */
  function gpgSigned(message: Action, canonical = actionCanonicalString({ ...message, validfrom: message.validfrom!, expireafter: message.expireafter! })): Action {
    const file = join(gnupgHome, 'action.txt');
    writeFileSync(file, canonical);
    rmSync(`${file}.asc`, { force: true });
    gpg('--local-user', fingerprint, '--detach-sign', '--armor', file);
    return { ...message, pgpsignatures: [deArmorAsTheSpecSays(readFileSync(`${file}.asc`, 'utf8'))] };
  }

  it('is accepted from a registered active investigator, and refused once one byte of its target changed', async () => {
    const signed = gpgSigned(action({ name: 'signed with gpg', target: "queueloc LIKE 'linux.%' AND environment->>'ident' ILIKE '%ubuntu%'", pgpsignatures: [] }));
    expect(signed.pgpsignatures[0]).toMatch(/^[A-Za-z0-9+/]+={0,2}=[A-Za-z0-9+/]{4}$/);

    const { action: stored } = await t.clients.actions.createAction({ action: signed });
    expect(stored!.investigators).toEqual([expect.objectContaining({ name: 'GPG Investigator', pgpfingerprint: fingerprint, status: 'active' })]);
    const { rows } = await t.sql.query(`SELECT pgpsignature FROM signatures WHERE actionid = $1`, [stored!.id]);
    expect(rows).toEqual([{ pgpsignature: signed.pgpsignatures[0] }]);

    const before = (await t.sql.query(`SELECT count(*)::int AS n FROM actions`)).rows[0].n;
    const tampered = { ...signed, target: signed.target.replace('ubuntu', 'ubuntv') };
    const refused = await grpcCode(t.clients.actions.createAction({ action: tampered }));
    expect(refused.code).toBe(status.INVALID_ARGUMENT);
    expect(refused.details).toContain('the action was changed after it was signed');
    expect((await t.sql.query(`SELECT count(*)::int AS n FROM actions`)).rows[0].n).toBe(before);
  });

  it('accepts a compressed action (mig -z) signed over Go\'s canonical string with the flags, keeps its bytes, and decompresses it for readers who ask', async () => {
    // Made by Go (libs/pgp/fixtures/go-canonical/main.go): the file after MIG's CompressAction, and
    // the operations exactly as Go's json.Marshal writes them into the signed string.
    const fixtures = join(__dirname, '../../../libs/pgp/fixtures/go-canonical');
    const file = parseActionFile(readFileSync(join(fixtures, 'compressed-action.json'), 'utf8'));
    const original = parseActionFile(readFileSync(join(fixtures, 'compressible-action.json'), 'utf8'));
    const goOperations: string = JSON.parse(readFileSync(join(fixtures, 'go-canonical.json'), 'utf8')).find((f: { file: string }) => f.file === 'compressed-action.json').operations;
    expect(goOperations).toContain('"is_compressed":true,"want_compressed":true}');

    const seconds = Math.floor(Date.now() / 1000);
    const unsigned = action({ name: file.name, target: file.target, validfrom: new Date((seconds - 60) * 1000), expireafter: new Date((seconds + 3600) * 1000), operations: file.operations, pgpsignatures: [] });
    // The string MIG's client signs (mig.Action.String()), built here from Go's bytes, not from libs/pgp.
    const goCanonical = `name=${file.name};target=${file.target};validfrom=${seconds - 60};expireafter=%!s(int64=${seconds + 3600});operations=${goOperations};`;
    const signed = gpgSigned(unsigned, goCanonical);

    const { action: stored } = await t.clients.actions.createAction({ action: signed });
    const { rows } = await t.sql.query(`SELECT operations::text AS operations FROM actions WHERE id = $1`, [stored!.id]);
    expect(rows[0].operations).toBe(goOperations);

    const { action: read } = await t.clients.actions.getAction({ id: stored!.id });
    expect(actionCanonicalString({ ...read!, validfrom: read!.validfrom!, expireafter: read!.expireafter! })).toBe(goCanonical);
    expect(read!.operations.map((o) => [o.isCompressed, o.wantCompressed, o.decompressedParameters])).toEqual([[true, true, undefined], [undefined, undefined, undefined], [true, true, undefined]]);

    const { action: decompressed } = await t.clients.actions.getAction({ id: stored!.id, decompressParameters: true });
    const listed = (await t.clients.actions.listActions({ pageSize: 1000, pageToken: '', decompressParameters: true })).actions.find((a) => a.id === stored!.id)!;
    for (const reader of [decompressed!, listed]) {
      expect(reader.operations.map((o) => o.parameters)).toEqual(read!.operations.map((o) => o.parameters));
      expect(reader.operations.map((o) => (o.decompressedParameters === undefined ? undefined : goJson(o.decompressedParameters)))).toEqual([
        goJson(original.operations[0].parameters),
        undefined,
        goJson(original.operations[2].parameters),
      ]);
    }

    // The flags are signed: without them the same bytes no longer verify.
    const withoutFlags = { ...signed, operations: signed.operations.map(({ module, parameters }) => ({ module, parameters })) };
    const refused = await grpcCode(t.clients.actions.createAction({ action: withoutFlags }));
    expect(refused.code).toBe(status.INVALID_ARGUMENT);
    expect(refused.details).toContain('the action was changed after it was signed');
  });

  it('refuses a compressed operation whose parameters do not decompress, naming it, and stores nothing', async () => {
    const before = (await t.sql.query(`SELECT count(*)::int AS n FROM actions`)).rows[0].n;
    const signed = gpgSigned(action({ operations: [{ module: 'file', parameters: 'bm90IGd6aXA=', isCompressed: true }], pgpsignatures: [] }));
    const refused = await grpcCode(t.clients.actions.createAction({ action: signed }));
    expect(refused).toEqual({ code: status.INVALID_ARGUMENT, details: expect.stringContaining('action.operations[0].parameters: is_compressed is set') });
    expect((await t.sql.query(`SELECT count(*)::int AS n FROM actions`)).rows[0].n).toBe(before);
  });

  it('reads a stored compressed operation that does not decompress (written beside the service) as it is, and FAILED_PRECONDITION only when asked to decompress it', async () => {
    const { rows } = await t.sql.query(
      `INSERT INTO actions (id, name, target, operations, validfrom, expireafter, starttime, status, syntaxversion, pgpsignatures)
       VALUES (nextval('mig_id_seq'), 'broken', 'true', '[{"module":"file","parameters":"bm90IGd6aXA=","is_compressed":true}]', now(), now() + interval '1 hour', now(), 'pending', 2, '[]') RETURNING id`,
    );
    const id = Number(rows[0].id);
    expect((await t.clients.actions.getAction({ id })).action!.operations).toEqual([{ module: 'file', parameters: 'bm90IGd6aXA=', isCompressed: true }]);
    const refused = await grpcCode(t.clients.actions.getAction({ id, decompressParameters: true }));
    expect(refused).toEqual({ code: status.FAILED_PRECONDITION, details: expect.stringContaining(`action ${id} operations[0]: is_compressed is set`) });
  });
});

