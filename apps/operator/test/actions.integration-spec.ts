import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectDataService, type DataServiceClients } from '@mig-data/client';
import type { Agent, Heartbeat } from '@mig-data/contract';
import { generateKeyPair } from '@mig-data/pgp';
import { operatorAt } from './support/run-operator';
import { spawnDataService, type SpawnedDataService } from './support/spawn-data-service';

function heartbeat(host: string, os: string): Heartbeat {
  return {
    name: host,
    queueloc: `${os}.${host}.abcdef`,
    mode: 'daemon',
    version: '20150122+ad43a11.prod',
    pid: 4242,
    starttime: new Date(Date.now() - 3_600_000),
    heartbeatts: new Date(),
    environment: { init: 'systemd', ident: os === 'linux' ? 'Ubuntu 14.04' : 'Windows 2012', os, arch: 'amd64', isproxied: false, proxy: '', addresses: [], publicip: '' },
    tags: undefined,
  };
}

/** An action file as an investigator writes it, before signing. */
function actionFile(name: string, target: string): string {
  return JSON.stringify({
    name,
    target,
    description: { author: 'Bob Kelso', email: 'bob.kelso@example.net', revision: 201412011200 },
    threat: { level: 'info', family: 'test' },
    operations: [{ module: 'file', parameters: { searches: { s1: { names: ['fusermount'], paths: ['/usr'] } } } }],
    syntaxversion: 2,
  });
}

describe('mig-operator action commands, against the running data service', () => {
  let service: SpawnedDataService;
  let clients: DataServiceClients;
  let dir: string;
  const run = operatorAt(() => service.address);
  const linux = ['alpha.example.net', 'bravo.example.net', 'charlie.example.net'];
  const ids = { first: 0, second: 0 };

  /** Writes `name` as an action file in the test directory and signs it with Bob's key through `mig-operator sign`. */
  async function signedFile(file: string, name: string, target = "queueloc LIKE 'linux.%'"): Promise<string> {
    const path = join(dir, file);
    writeFileSync(path, actionFile(name, target));
    expect(await run('sign', path, '--key', join(dir, 'bob.sec.asc'))).toMatchObject({ code: 0, err: '' });
    return path;
  }

  beforeAll(async () => {
    service = await spawnDataService({ MIG_DATA_AGENT_STATUS_JOB_INTERVAL_MS: '0', MIG_DATA_AGENTS_STATS_JOB_INTERVAL_MS: '0' });
    clients = connectDataService(service.address);
    dir = mkdtempSync(join(tmpdir(), 'mig-operator-actions-'));
    const bob = await generateKeyPair('Bob Kelso', 'bob.kelso@example.net', 'rsa2048');
    writeFileSync(join(dir, 'bob.pub.asc'), bob.armoredPublicKey);
    writeFileSync(join(dir, 'bob.sec.asc'), bob.armoredPrivateKey, { mode: 0o600 });
    expect(await run('investigator-add', 'Bob Kelso', join(dir, 'bob.pub.asc'))).toMatchObject({ code: 0 });
    await clients.agents.recordHeartbeats({ heartbeats: [...linux.map((host) => heartbeat(host, 'linux')), heartbeat('delta.example.net', 'windows')] });
  });
  afterAll(async () => {
    clients?.close();
    rmSync(dir, { recursive: true, force: true });
    await service?.stop();
  });

  it('target preview: counts and lists the agents an expression reaches, or an unsigned file\'s target, before anyone signs', async () => {
    const preview = await run('target', 'preview', "queueloc LIKE 'linux.%'");
    expect(preview).toMatchObject({ code: 0, err: '' });
    expect(preview.out).toContain("3 agent(s) match queueloc LIKE 'linux.%':");
    linux.forEach((host) => expect(preview.out).toContain(host));
    expect(preview.out).not.toContain('delta.example.net');

    const shortened = JSON.parse((await run('--json', 'target', 'preview', "queueloc LIKE 'linux.%'", '--limit', '2')).out);
    expect(shortened).toMatchObject({ target: "queueloc LIKE 'linux.%'", count: 3 });
    expect(shortened.agents.map((agent: { name: string }) => agent.name)).toEqual(linux.slice(0, 2));

    const unsigned = join(dir, 'windows.json');
    writeFileSync(unsigned, actionFile('windows only', "environment->>'os' = 'windows'"));
    expect(JSON.parse((await run('--json', 'target', 'preview', '--file', unsigned)).out)).toMatchObject({ count: 1, agents: [expect.objectContaining({ name: 'delta.example.net' })] });

    const refused = await run('target', 'preview', 'queueloc LIKE');
    expect(refused.code).toBe(1);
    expect(refused.err).toContain('target preview: INVALID_ARGUMENT');
    expect(await run('target', 'preview')).toMatchObject({ code: 2, err: expect.stringContaining('usage: mig-operator target preview') });
  });

  it('action create: a signed file becomes a pending action, its id printed first; unsigned or malformed files are refused naming why', async () => {
    const created = await run('action', 'create', await signedFile('first.json', 'first action'));
    expect(created).toMatchObject({ code: 0, err: '' });
    const [idLine, summary] = created.out.split('\n');
    ids.first = Number(idLine);
    expect(ids.first).toBeGreaterThan(0);
    expect(summary).toContain(`action ${ids.first} "first action" is pending, signed by Bob Kelso`);

    const second = JSON.parse((await run('--json', 'action', 'create', await signedFile('second.json', 'second action'))).out);
    expect(second).toMatchObject({ name: 'second action', status: 'pending', investigators: [expect.objectContaining({ name: 'Bob Kelso' })] });
    ids.second = second.id;

    const unsigned = join(dir, 'unsigned.json');
    writeFileSync(unsigned, actionFile('nobody signed me', "queueloc LIKE 'linux.%'"));
    const refused = await run('action', 'create', unsigned);
    expect(refused.code).toBe(1);
    expect(refused.err).toMatch(/^action create: INVALID_ARGUMENT: action\.validfrom/);

    const malformed = join(dir, 'malformed.json');
    writeFileSync(malformed, JSON.stringify({ ...JSON.parse(actionFile('x', 't')), threat: { level: 3 } }));
    expect(await run('action', 'create', malformed)).toMatchObject({ code: 1, err: `action create: ${malformed}: action.threat.level: must be a string` });
    expect(await run('action', 'create', join(dir, 'missing.json'))).toMatchObject({ code: 2, err: expect.stringContaining('cannot read') });
    expect(await run('action', 'frobnicate')).toMatchObject({ code: 2, err: expect.stringContaining('unknown command "action frobnicate"') });
  });

  it('actions: newest first, filtered by status, paged with the token it prints', async () => {
    const listed = await run('actions');
    expect(listed.code).toBe(0);
    expect(listed.out.indexOf('second action')).toBeLessThan(listed.out.indexOf('first action'));
    expect(listed.out).toContain('Bob Kelso');

    const firstPage = JSON.parse((await run('--json', 'actions', '--status', 'pending', '--limit', '1')).out);
    expect(firstPage.actions.map((action: { id: number }) => action.id)).toEqual([ids.second]);
    expect(firstPage.nextPageToken).not.toBe('');
    const human = await run('actions', '--status', 'pending', '--limit', '1');
    expect(human.out).toContain(`more: mig-operator actions --status pending --limit 1 --page-token ${firstPage.nextPageToken}`);
    const secondPage = JSON.parse((await run('--json', 'actions', '--status', 'pending', '--limit', '1', '--page-token', firstPage.nextPageToken)).out);
    expect(secondPage.actions.map((action: { id: number }) => action.id)).toEqual([ids.first]);

    expect(JSON.parse((await run('--json', 'actions', '--status', 'completed')).out)).toEqual({ actions: [], nextPageToken: '' });
    expect((await run('actions', '--status', 'completed')).out).toMatch(/\(0 rows\)$/);
    expect((await run('actions', '--status', 'running')).err).toContain('actions: INVALID_ARGUMENT');
  });

  it('action cancel: cancels a pending action, repeats harmlessly, and the service names why it refuses a finished one', async () => {
    expect(await run('action', 'cancel', String(ids.second))).toMatchObject({ code: 0, out: `action ${ids.second} "second action" is cancelled` });
    expect(JSON.parse((await run('--json', 'action', 'cancel', String(ids.second))).out)).toMatchObject({ id: ids.second, status: 'cancelled' });
    expect(await run('action', 'cancel', 'twelve')).toMatchObject({ code: 2, err: expect.stringContaining('give the action id (a positive number), not "twelve"') });
    expect(await run('action', 'cancel', '999999')).toMatchObject({ code: 1, err: expect.stringContaining('NOT_FOUND') });

    const invalid = JSON.parse((await run('--json', 'action', 'create', await signedFile('third.json', 'third action'))).out);
    await clients.actions.updateActionStatus({ id: invalid.id, status: 'invalid' });
    const refused = await run('action', 'cancel', String(invalid.id));
    expect(refused.code).toBe(1);
    expect(refused.err).toMatch(/^action cancel: FAILED_PRECONDITION: .*invalid/);
  });

  it('commands and action show: status and results per agent, signers and counters, as the spool records them', async () => {
    for (const status of ['scheduled', 'preparing', 'inflight']) await clients.actions.updateActionStatus({ id: ids.first, status });
    const agents: Agent[] = [];
    for await (const batch of clients.fleet.expandTarget({ target: "queueloc LIKE 'linux.%'", withEnvironment: false, identitiesOnly: false, batchSize: 0 })) agents.push(...batch.agents);
    const created = await clients.commands.createCommands({ actionId: ids.first, agentIds: agents.map((agent) => agent.id), starttime: undefined });
    const byAgent = new Map(created.agentIds.map((agentId, index) => [agentId, created.commandIds[index]]));
    const [alpha, bravo] = agents;
    await clients.commands.markCommandSent({ id: byAgent.get(bravo.id)! });
    const found = { foundanything: true, success: true, elements: { s1: [{ file: '/usr/bin/fusermount' }] }, statistics: {}, errors: [] };
    await clients.commands.finishCommand({ id: byAgent.get(alpha.id)!, status: 'success', results: [found], finishtime: new Date(), agentQueueloc: alpha.queueloc, agentPid: alpha.pid });

    const table = await run('commands', String(ids.first));
    expect(table).toMatchObject({ code: 0, err: '' });
    const rows = table.out.split('\n');
    expect(rows[0]).toMatch(/^id +\| agent_id +\| agent +\| status +\| finishtime +\| found +\| results$/);
    expect(rows.find((row) => row.includes('alpha.example.net'))).toMatch(/\| success +\| \S+Z +\| yes +\| \[\{"foundanything":true/);
    expect(rows.find((row) => row.includes('bravo.example.net'))).toMatch(/\| sent +\|/);
    expect(rows.find((row) => row.includes('charlie.example.net'))).toMatch(/\| prepared +\|/);

    const page = JSON.parse((await run('--json', 'commands', String(ids.first), '--limit', '2')).out);
    expect(page.commands).toHaveLength(2);
    expect(page.commands[0]).toMatchObject({ agentId: alpha.id, status: 'success', results: [found], agent: expect.objectContaining({ name: 'alpha.example.net', queueloc: alpha.queueloc }) });
    const rest = JSON.parse((await run('--json', 'commands', String(ids.first), '--limit', '2', '--page-token', page.nextPageToken)).out);
    expect(rest).toMatchObject({ commands: [expect.objectContaining({ agentId: agents[2].id, status: 'prepared' })], nextPageToken: '' });
    const successes = JSON.parse((await run('--json', 'commands', String(ids.first), '--status', 'success')).out);
    expect(successes.commands.map((command: { agentId: number }) => command.agentId)).toEqual([alpha.id]);

    const shown = await run('action', 'show', String(ids.first));
    expect(shown).toMatchObject({ code: 0, err: '' });
    expect(shown.out).toContain(`id:           ${ids.first}`);
    expect(shown.out).toContain('status:       inflight');
    expect(shown.out).toContain("target:       queueloc LIKE 'linux.%'");
    expect(shown.out).toContain('author:       Bob Kelso <bob.kelso@example.net>');
    expect(shown.out).toContain('counters:     sent 3, inflight 2, done 1 (success 1, failed 0, expired 0, cancelled 0, timeout 0)');
    expect(shown.out).toContain('  file: {"searches":{"s1":{"names":["fusermount"],"paths":["/usr"]}}}');
    expect(shown.out).toMatch(/signers:\nid +\| name +\| pgpfingerprint +\| status\n.*\n\d+ +\| Bob Kelso +\| [0-9A-F]{40} \| active/);
    const asJson = JSON.parse((await run('--json', 'action', 'show', String(ids.first))).out);
    expect(asJson.action.counters).toEqual({ sent: 3, done: 1, inflight: 2, success: 1, cancelled: 0, expired: 0, failed: 0, timeout: 0 });
    expect(asJson.signers).toEqual([expect.objectContaining({ name: 'Bob Kelso', status: 'active', publickey: expect.stringContaining('BEGIN PGP PUBLIC KEY BLOCK') })]);
    expect(await run('action', 'show', '999999')).toMatchObject({ code: 1, err: expect.stringContaining('action show: NOT_FOUND') });
    expect(await run('commands', '999999')).toMatchObject({ code: 1, err: expect.stringContaining('commands: NOT_FOUND') });
  });

  it('key-generate makes a key pair the service registers and sign uses; agent-heartbeat brings an agent online for targets to reach', async () => {
    const prefix = join(dir, 'carla');
    const made = JSON.parse((await run('--json', 'key-generate', 'Carla Espinosa', 'carla@example.net', '--out', prefix)).out);
    expect(made).toEqual({ fingerprint: expect.stringMatching(/^[0-9A-F]{40}$/), publicKey: `${prefix}.pub.asc`, privateKey: `${prefix}.sec.asc` });
    expect(statSync(made.privateKey).mode & 0o777).toBe(0o600);
    expect(readFileSync(made.publicKey, 'utf8')).toContain('BEGIN PGP PUBLIC KEY BLOCK');
    expect(await run('key-generate', 'Carla Espinosa', 'carla@example.net', '--out', prefix)).toMatchObject({ code: 2, err: expect.stringContaining(`${prefix}.sec.asc exists`) });
    expect((await run('investigator-add', 'Carla Espinosa', made.publicKey)).out).toContain(made.fingerprint);

    expect(await run('agent-heartbeat', 'echo.example.net', '--os', 'darwin')).toMatchObject({ code: 0, out: expect.stringMatching(/^agent \d+ echo\.example\.net \(darwin\.echo\.example\.net\) registered, online$/) });
    expect((await run('agent-heartbeat', 'echo.example.net', '--os', 'darwin')).out).toContain('heard from, online');
    const path = join(dir, 'darwin.json');
    writeFileSync(path, actionFile('darwin only', "queueloc LIKE 'darwin.%'"));
    expect(await run('sign', path, '--key', made.privateKey)).toMatchObject({ code: 0 });
    expect(JSON.parse((await run('--json', 'target', 'preview', '--file', path)).out)).toMatchObject({ count: 1, agents: [expect.objectContaining({ name: 'echo.example.net', status: 'online' })] });
    expect(JSON.parse((await run('--json', 'action', 'create', path)).out).investigators).toEqual([expect.objectContaining({ name: 'Carla Espinosa' })]);
    expect(await run('agent-heartbeat', 'x', '--os', 'plan9')).toMatchObject({ code: 2 });
  });
});
