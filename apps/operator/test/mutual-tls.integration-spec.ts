import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateKeyPair } from '@mig-data/pgp';
import { runOperator } from '../src/main';
import { spawnDataService, type SpawnedDataService } from './support/spawn-data-service';

describe('mig-operator over mutual TLS, with certificates from tools/make-dev-certificates.js', () => {
  let service: SpawnedDataService;
  let dir: string;
  let publicKeyFile: string;
  const cert = (name: string) => join(dir, name);

  async function run(argv: string[], env: Record<string, string> = {}) {
    const out: string[] = [];
    const err: string[] = [];
    const code = await runOperator(['--address', service.address, ...argv], (text) => out.push(text), (text) => err.push(text), env);
    return { code, out: out.join('\n'), err: err.join('\n') };
  }
  const as = (role: string) => ['--ca', cert('ca.crt'), '--cert', cert(`${role}.crt`), '--key', cert(`${role}.key`)];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'mig-operator-tls-'));
    execFileSync(process.execPath, [join(__dirname, '../../../tools/make-dev-certificates.js'), dir], { stdio: 'ignore' });
    service = await spawnDataService({ MIG_DATA_TLS_CERT: cert('server.crt'), MIG_DATA_TLS_KEY: cert('server.key'), MIG_DATA_TLS_CLIENT_CA: cert('ca.crt') });
    publicKeyFile = join(dir, 'carla.pub.asc');
    writeFileSync(publicKeyFile, (await generateKeyPair('Carla Espinosa', 'carla@example.net', 'rsa2048')).armoredPublicKey);
  });
  afterAll(async () => {
    await service.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('registers an investigator with the admin certificate (flags), and is refused PERMISSION_DENIED with the readonly one (environment)', async () => {
    const denied = await run(['investigator-add', 'Carla Espinosa', publicKeyFile], { MIG_DATA_CA: cert('ca.crt'), MIG_DATA_CERT: cert('readonly.crt'), MIG_DATA_KEY: cert('readonly.key') });
    expect(denied.code).toBe(1);
    expect(denied.err).toContain('investigator-add: PERMISSION_DENIED: mig.data.v1.InvestigatorService/CreateInvestigator is for the admin role; this caller has role readonly');

    const added = await run([...as('admin'), 'investigator-add', 'Carla Espinosa', publicKeyFile]);
    expect(added).toMatchObject({ code: 0, err: '' });
    const listed = await run([...as('readonly'), '--json', 'investigators']);
    expect(JSON.parse(listed.out)).toEqual([expect.objectContaining({ name: 'Carla Espinosa', status: 'active' })]);
  });

  it('cannot reach the service without a client certificate, and says so; refuses a certificate without its key (exit 2)', async () => {
    const plaintext = await run(['investigators']);
    expect(plaintext.code).toBe(1);
    expect(plaintext.err).toContain('UNAVAILABLE');
    const noCertificate = await run(['--ca', cert('ca.crt'), 'investigators']);
    expect(noCertificate.code).toBe(1);
    expect(noCertificate.err).toContain('does it accept this certificate?');
    const half = await run(['--ca', cert('ca.crt'), '--cert', cert('admin.crt'), 'investigators']);
    expect(half).toMatchObject({ code: 2, err: expect.stringContaining('--cert and --key go together') });
  });
});
