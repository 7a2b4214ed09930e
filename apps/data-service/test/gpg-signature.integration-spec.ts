import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { status } from '@grpc/grpc-js';
import type { Action } from '@mig-data/contract';
import { actionCanonicalString } from '@mig-data/pgp';
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

  /** Signs the canonical string of `message` with gpg, as an investigator would from a shell. */
  function gpgSigned(message: Action): Action {
    const canonical = actionCanonicalString({ ...message, validfrom: message.validfrom!, expireafter: message.expireafter! });
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
});
