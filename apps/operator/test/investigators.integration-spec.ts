import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { status } from '@grpc/grpc-js';
import { actionMessageFromFile, connectDataService, type DataServiceClients } from '@mig-data/client';
import { generateKeyPair, type GeneratedKeyPair } from '@mig-data/pgp';
import { operatorAt } from './support/run-operator';
import { spawnDataService, type SpawnedDataService } from './support/spawn-data-service';

const CORPUS_DIR = join(__dirname, '../../../testdata/mig-actions');

/** A signed action file as CreateAction takes it. */
const actionMessage = (path: string) => actionMessageFromFile(readFileSync(path, 'utf8'));

describe('mig-operator investigators and sign, against the running data service', () => {
  let service: SpawnedDataService;
  let clients: DataServiceClients;
  let dir: string;
  let bob: GeneratedKeyPair;
  const files = { publicKey: '', privateKey: '' };

  const run = operatorAt(() => service.address);

  beforeAll(async () => {
    service = await spawnDataService();
    clients = connectDataService(service.address);
    dir = mkdtempSync(join(tmpdir(), 'mig-operator-'));
    bob = await generateKeyPair('Bob Kelso', 'bob.kelso@example.net', 'rsa2048');
    files.publicKey = join(dir, 'bob.pub.asc');
    files.privateKey = join(dir, 'bob.sec.asc');
    writeFileSync(files.publicKey, bob.armoredPublicKey);
    writeFileSync(files.privateKey, bob.armoredPrivateKey, { mode: 0o600 });
  });
  afterAll(async () => {
    clients.close();
    rmSync(dir, { recursive: true, force: true });
    await service.stop();
  });

  it('adds an investigator from a public key file (seed §2.1), lists it, refuses the same key twice', async () => {
    const added = await run('investigator-add', 'Bob Kelso', files.publicKey);
    expect(added).toMatchObject({ code: 0, err: '' });
    expect(added.out).toContain(bob.fingerprint);
    expect(added.out).toContain('Bob Kelso');

    const again = await run('investigator-add', 'Robert Kelso', files.publicKey);
    expect(again.code).toBe(1);
    expect(again.err).toContain('investigator-add: ALREADY_EXISTS');

    const listed = await run('--json', 'investigators', '--status', 'active');
    const investigators = JSON.parse(listed.out) as Array<{ name: string; pgpfingerprint: string; status: string }>;
    expect(investigators).toEqual([expect.objectContaining({ name: 'Bob Kelso', pgpfingerprint: bob.fingerprint, status: 'active' })]);
    expect((await run('investigators')).out).toMatch(/^id +\| name +\| pgpfingerprint/);
  });

  it("shows why the service refuses a key MIG's Go agents cannot read (Ed25519) and what the operator can do", async () => {
    const ed25519File = join(dir, 'ed.pub.asc');
    writeFileSync(ed25519File, (await generateKeyPair('Ed Twentyfive', 'ed@example.net', 'ed25519')).armoredPublicKey);
    const refused = await run('investigator-add', 'Ed Twentyfive', ed25519File);
    expect(refused.code).toBe(1);
    expect(refused.err).toContain('investigator-add: INVALID_ARGUMENT');
    expect(refused.err).toContain('its primary key is eddsaLegacy (ed25519Legacy), not RSA');
    expect(refused.err).toContain("MIG's Go agents (golang.org/x/crypto/openpgp) verify only version 4 RSA keys");
    expect(refused.err).toContain('MIG_DATA_ALLOW_NON_RSA_KEYS=true');
  });

  it('signs a compressed action file (mig -z) keeping its compression flags and compressed parameters; the service accepts it', async () => {
    const actionFile = join(dir, 'compressed-action.json');
    copyFileSync(join(__dirname, '../../../libs/pgp/fixtures/go-canonical/compressed-action.json'), actionFile);
    const before = JSON.parse(readFileSync(actionFile, 'utf8'));
    expect(await run('sign', actionFile, '--key', files.privateKey)).toMatchObject({ code: 0, err: '' });
    const file = JSON.parse(readFileSync(actionFile, 'utf8'));
    expect(file.operations).toEqual(before.operations);
    expect(file.operations[0]).toMatchObject({ is_compressed: true, want_compressed: true, parameters: expect.stringMatching(/^H4sI/) });
    expect(Object.keys(file.operations[1])).toEqual(['module', 'parameters']);

    const { action } = await clients.actions.createAction({ action: actionMessage(actionFile) });
    expect(action!.operations.map((operation) => operation.isCompressed)).toEqual([true, undefined, true]);
  });

  it('signs a corpus action file offline in MIG format; the service accepts it, and refuses it once Bob is disabled', async () => {
    const actionFile = join(dir, 'example_v2.json');
    copyFileSync(join(CORPUS_DIR, 'example_v2.json'), actionFile);
    const signed = await run('sign', actionFile, '--key', files.privateKey, '--expireafter', '2h');
    expect(signed).toMatchObject({ code: 0, err: '' });
    expect(signed.out).toContain('1 signature(s)');
    const file = JSON.parse(readFileSync(actionFile, 'utf8'));
    expect(file.pgpsignatures).toHaveLength(1);
    expect(file.pgpsignatures[0]).toMatch(/^[A-Za-z0-9+/]+={0,2}=[A-Za-z0-9+/]{4}$/);
    expect(new Date(file.expireafter).getTime() - new Date(file.validfrom).getTime()).toBe(2 * 3600 * 1000);

    const { action } = await clients.actions.createAction({ action: actionMessage(actionFile) });
    expect(action!.investigators).toEqual([expect.objectContaining({ name: 'Bob Kelso', pgpfingerprint: bob.fingerprint })]);

    const [{ id }] = JSON.parse((await run('--json', 'investigators')).out);
    expect((await run('investigator-status', String(id), 'disabled')).out).toContain('disabled');
    const refused = await clients.actions.createAction({ action: actionMessage(actionFile) }).catch((error) => error);
    expect(refused.code).toBe(status.PERMISSION_DENIED);
    expect(refused.details).toContain('is disabled');
  });

  it('refuses bad usage with exit code 2 and the usage line', async () => {
    expect(await run('investigator-status', '1', 'deleted')).toMatchObject({ code: 2, err: expect.stringContaining('usage: mig-operator investigator-status') });
    expect(await run('investigator-add', 'only a name')).toMatchObject({ code: 2 });
    expect(await run('sign', join(dir, 'missing.json'), '--key', files.privateKey)).toMatchObject({ code: 2, err: expect.stringContaining('cannot read') });
    expect(await run('sign', join(CORPUS_DIR, 'upgrade.json'))).toMatchObject({ code: 2, err: expect.stringContaining('--key PRIVATE_KEY_FILE is required') });
  });
});
