import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import type { Action } from '@mig-data/contract';
import { connectDataService, type DataServiceClients } from '@mig-data/client';
import { generateKeyPair, signAction, type GeneratedKeyPair } from '@mig-data/pgp';
import { createTestDatabase, type TestDatabase } from '@mig-data/test-database';
// The service's own test support (the one way to start the built service as its own process, and
// its fixtures), shared on purpose rather than copied.
// eslint-disable-next-line @nx/enforce-module-boundaries
import { startBuiltService, type Started } from '../../apps/data-service/test/support/built-service';
// eslint-disable-next-line @nx/enforce-module-boundaries
import { action, heartbeat } from '../../apps/data-service/test/support/fixtures';

/**
 * The contract used from Go and Python as their teams would, with Debian's packaged toolchains
 * (README "Using the API from other languages"): the programs in clients/go and clients/python,
 * built by `clients:build-go` and `clients:generate-python`, run against the built service. The
 * fixture is made through the service's own API: the scheduler's identity, an investigator, two
 * agents silent for an hour, and a pending action signed by both (the investigator's signature
 * made as `mig-operator sign` makes it, the scheduler's by SignActionAsScheduler). The tests run
 * in order and build on each other, as the programs would: the Go program claims and runs the
 * action, then finds nothing left to claim; the Python script then finds its commands.
 */
const REPOSITORY = resolve(__dirname, '../..');
const GO_PROGRAM = join(REPOSITORY, 'clients/go/dist/mig-data-scheduler-client');
const PYTHON_SCRIPT = join(REPOSITORY, 'clients/python/mig_data_operator.py');
// Debian's interpreter, the one python3-grpcio and python3-protobuf are installed for (a python3
// earlier on PATH, e.g. pyenv's, has neither).
const DEBIAN_PYTHON = '/usr/bin/python3';

const run = promisify(execFile);

interface Ran {
  code: number;
  stdout: string;
  stderr: string;
}

async function runProgram(file: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<Ran> {
  try {
    const { stdout, stderr } = await run(file, args, { env: { ...process.env, ...env }, timeout: 90_000 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code?: number | string; stdout?: string; stderr?: string };
    if (typeof failed.code !== 'number') throw error; // not started at all: ENOENT says what is missing
    return { code: failed.code, stdout: failed.stdout ?? '', stderr: failed.stderr ?? '' };
  }
}

/** The action the Go program claims: parameters that need Go's own JSON rules to verify (unsorted keys, <, >, &, non-ASCII, a float). */
function pendingAction(): Action {
  return action({
    name: 'find <passwd> & friends — ünïcode',
    target: "name LIKE 'go-client-%'",
    operations: [
      { module: 'file', parameters: { searches: { s1: { paths: ['/etc'], names: ['<passwd>&co'], maxdepth: 3, minsize: 0.5 } } } },
      { module: 'netstat', parameters: { connectedip: ['192.0.2.7'] }, wantCompressed: false },
    ],
    pgpsignatures: [],
  });
}

describe('Go and Python clients generated from proto/ with Debian toolchains', () => {
  let database: TestDatabase;
  let service: Started;
  let address: string;
  let clients: DataServiceClients;
  let work: string;
  let schedulerFingerprint: string;
  let alice: GeneratedKeyPair;
  let actionId: number;

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'mig-data-clients-'));
    database = await createTestDatabase();
    service = startBuiltService({ DATABASE_URL: database.url, MIG_DATA_LOG_LEVEL: 'error' });
    address = await service.listening;
    clients = connectDataService(address);

    const { investigator: scheduler } = await clients.investigators.createSchedulerInvestigator({ name: '' });
    schedulerFingerprint = scheduler!.pgpfingerprint;
    alice = await generateKeyPair('Alice Investigator', 'alice@example.net', 'rsa2048');
    await clients.investigators.createInvestigator({ name: 'Alice Investigator', publickey: alice.armoredPublicKey });

    const anHourAgo = new Date(Date.now() - 3_600_000);
    await clients.agents.recordHeartbeats({
      heartbeats: ['offline-1.example.net', 'offline-2.example.net'].map((host, index) => heartbeat(host, { pid: 100 + index, heartbeatts: anHourAgo })),
    });

    const pending = pendingAction();
    const aliceSignature = await signAction({ ...pending, validfrom: pending.validfrom!, expireafter: pending.expireafter! }, alice.armoredPrivateKey);
    const { action: signedByBoth } = await clients.investigators.signActionAsScheduler({ action: { ...pending, pgpsignatures: [aliceSignature] } });
    const { action: created } = await clients.actions.createAction({ action: signedByBoth });
    expect(created!.status).toBe('pending');
    actionId = created!.id;
  });

  afterAll(async () => {
    clients?.close();
    if (service) {
      service.child.kill('SIGTERM');
      await service.finished;
    }
    await database?.drop();
    await rm(work, { recursive: true, force: true });
  });

  it('the Go program does what the scheduler does, verifying both signatures with x/crypto/openpgp', async () => {
    const ran = await runProgram(GO_PROGRAM, ['-address', address]);
    expect(ran.stderr).toBe('');
    expect(ran.code).toBe(0);
    const id = actionId;
    expect(ran.stdout.trimEnd().split('\n')).toEqual([
      'heartbeats: 3 recorded, 3 new agents',
      'claimed: 1 pending actions',
      `action ${id} "find <passwd> & friends — ünïcode": signature 1 verifies, signed by ${alice.fingerprint.toUpperCase()}`,
      `action ${id} "find <passwd> & friends — ünïcode": signature 2 verifies, signed by ${schedulerFingerprint}`,
      `action ${id}: a copy with another target is refused`,
      `action ${id}: target selects 3 agents`,
      `action ${id}: 3 commands created`,
      `action ${id}: 3 commands sent`,
      expect.stringMatching(new RegExp(`^action ${id}: command \\d+ on go-client-1\\.example\\.net returned success, found anything: true$`)),
      expect.stringMatching(new RegExp(`^action ${id}: command \\d+ on go-client-2\\.example\\.net returned success, found anything: false$`)),
      expect.stringMatching(new RegExp(`^action ${id}: command \\d+ on go-client-3\\.example\\.net returned success, found anything: false$`)),
      `action ${id}: completed, sent=3 done=3 success=3`,
      'OK',
    ]);
    const { action: landed } = await clients.actions.getAction({ id });
    expect(landed!.status).toBe('completed');
  });

  it('the Go program fails loudly when there is nothing to claim', async () => {
    const ran = await runProgram(GO_PROGRAM, ['-address', address]);
    expect(ran.code).toBe(1);
    expect(ran.stderr).toMatch(/^FAIL: ClaimPendingActions: no pending action to run/);
  });

  it('the Python operator script lists offline agents, registers an investigator, finds commands and shows INVALID_ARGUMENT', async () => {
    const bob = await generateKeyPair('Bob Investigator', 'bob@example.net', 'rsa2048');
    const keyFile = join(work, 'bob.asc');
    await writeFile(keyFile, bob.armoredPublicKey);
    const ran = await runProgram(DEBIAN_PYTHON, [PYTHON_SCRIPT, '--address', address, '--investigator-name', 'Bob Investigator', '--investigator-key', keyFile], {
      PYTHONPATH: join(REPOSITORY, 'clients/.gen/python'),
    });
    expect(ran.stderr).toBe('');
    expect(ran.code).toBe(0);
    const lines = ran.stdout.trimEnd().split('\n');
    expect(lines).toEqual([
      'offline agents: 2: offline-1.example.net, offline-2.example.net',
      expect.stringMatching(new RegExp(`^investigator registered: id=\\d+ name=Bob Investigator fingerprint=${bob.fingerprint.toUpperCase()} status=active$`)),
      expect.stringMatching(new RegExp(`^found something: command \\d+ of action ${actionId} \\(find <passwd> & friends — ünïcode\\) on go-client-1\\.example\\.net, success$`)),
      expect.stringMatching(/^error case: ListAgents\(status="sleeping"\) -> INVALID_ARGUMENT \(3\): .*status/),
      'OK',
    ]);
    const registered = await clients.investigators.getInvestigatorByFingerprint({ pgpfingerprint: bob.fingerprint });
    expect(registered.investigator!.name).toBe('Bob Investigator');
  });
});
