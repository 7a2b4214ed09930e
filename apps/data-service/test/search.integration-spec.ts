import { status } from '@grpc/grpc-js';
import type { SearchFilter } from '@mig-data/contract';
import { grpcCode, heartbeat } from './support/fixtures';
import { startTestService, type TestService } from './support/test-service';

const filter = (fields: Partial<SearchFilter>): SearchFilter => ({ limit: 0, offset: 0, after: undefined, before: undefined, ...fields });

describe('SearchService over gRPC', () => {
  let t: TestService;
  const ids = { alice: 0, bob: 0, rootkit: 0, botnet: 0, audit: 0, host1: 0, host2: 0, found: 0, notFound: 0, failed: 0 };

  beforeAll(async () => {
    t = await startTestService();
    const { results } = await t.clients.agents.recordHeartbeats({
      heartbeats: [heartbeat('host1.example.net', { version: '20150122+ad43a11.prod' }), heartbeat('host2.example.net', { version: '20140901+aaaaaaa.dev' })],
    });
    [ids.host1, ids.host2] = results.map((result) => result.agentId);
    const insert = async (sql: string, values: unknown[]) => Number((await t.sql.query(sql, values)).rows[0].id);
    // Only one investigator (the scheduler's identity) may hold a private key.
    const investigator = (name: string, fingerprint: string, privatekey: string | null) =>
      insert(`INSERT INTO investigators (name, pgpfingerprint, publickey, privatekey) VALUES ($1, $2, 'PUBLIC KEY', $3) RETURNING id`, [name, fingerprint, privatekey]);
    ids.alice = await investigator('Alice Kelso', 'AAAA', 'PRIVATE KEY MATERIAL');
    ids.bob = await investigator('Bob Kelso', 'BBBB', null);
    const action = (id: number, name: string, family: string, validfrom: string) =>
      insert(
        `INSERT INTO actions (id, name, target, threat, operations, validfrom, expireafter, starttime, status, syntaxversion, pgpsignatures)
         VALUES ($1, $2, $3, $4, '[]', $5, $5::timestamptz + interval '1 day', $5, 'inflight', 2, '["sig"]') RETURNING id`,
        [id, name, `queueloc LIKE 'linux.%' AND name = '${name}'`, JSON.stringify({ family, level: 'high' }), validfrom],
      );
    ids.rootkit = await action(1001, 'find rootkit', 'rootkit', '2026-10-01T00:00:00Z');
    ids.botnet = await action(1002, 'find botnet', 'botnet', '2026-10-10T00:00:00Z');
    ids.audit = await action(1003, 'audit sshd', 'compliance', '2026-10-20T00:00:00Z');
    await t.sql.query(`INSERT INTO signatures (actionid, investigatorid, pgpsignature) VALUES ($1, $2, 's'), ($3, $2, 's'), ($3, $4, 's'), ($5, $4, 's')`, [
      ids.rootkit, ids.alice, ids.botnet, ids.bob, ids.audit,
    ]);
    const command = (id: number, actionId: number, agentId: number, status: string, results: unknown) =>
      insert(`INSERT INTO commands (id, actionid, agentid, status, results, starttime) VALUES ($1, $2, $3, $4, $5, '2026-10-21T00:00:00Z'::timestamptz + $6 * interval '1 minute') RETURNING id`, [
        id, actionId, agentId, status, JSON.stringify(results), id,
      ]);
    ids.found = await command(2001, ids.rootkit, ids.host1, 'success', [{ foundanything: true, success: true }, { foundanything: false }]);
    ids.notFound = await command(2002, ids.rootkit, ids.host2, 'success', [{ foundanything: false, success: true }]);
    ids.failed = await command(2003, ids.botnet, ids.host1, 'failed', [{ foundanything: true }]);
  });
  afterAll(() => t.stop());

  it('searches actions by name, threat family, investigator, agent and time, latest validfrom first, with counters and signers', async () => {
    const byName = await t.clients.search.searchActions({ filter: filter({ actionName: 'find%' }) });
    expect(byName.actions.map((a) => a.id)).toEqual([ids.botnet, ids.rootkit]);
    expect(byName.actions[1].counters).toMatchObject({ sent: 2, success: 2, done: 2 });
    expect(byName.actions[0].investigators.map((i) => i.name)).toEqual(['Alice Kelso', 'Bob Kelso']);

    expect((await t.clients.search.searchActions({ filter: filter({ threatFamily: 'ROOT%' }) })).actions.map((a) => a.id)).toEqual([ids.rootkit]);
    expect((await t.clients.search.searchActions({ filter: filter({ investigatorName: 'bob%' }) })).actions.map((a) => a.id)).toEqual([ids.audit, ids.botnet]);
    expect((await t.clients.search.searchActions({ filter: filter({ investigatorId: ids.alice, agentName: 'host2%' }) })).actions.map((a) => a.id)).toEqual([ids.rootkit]);
    expect((await t.clients.search.searchActions({ filter: filter({ after: new Date('2026-10-05T00:00:00Z') }) })).actions.map((a) => a.id)).toEqual([ids.audit, ids.botnet]);
    expect((await t.clients.search.searchActions({ filter: filter({ target: '%audit sshd%' }) })).actions.map((a) => a.id)).toEqual([ids.audit]);
    expect((await t.clients.search.searchActions({ filter: filter({ limit: 1, offset: 1 }) })).actions.map((a) => a.id)).toEqual([ids.botnet]);
  });

  it('searches commands, with foundanything meaning a successful command whose results found something', async () => {
    const found = await t.clients.search.searchCommands({ filter: filter({ foundanything: true }) });
    expect(found.commands.map((c) => c.id)).toEqual([ids.found]);
    expect(found.commands[0]).toMatchObject({ actionId: ids.rootkit, agentId: ids.host1, action: { name: 'find rootkit' }, agent: { name: 'host1.example.net' } });
    expect((await t.clients.search.searchCommands({ filter: filter({ foundanything: false }) })).commands.map((c) => c.id)).toEqual([ids.notFound]);
    expect((await t.clients.search.searchCommands({ filter: filter({ agentName: 'host1%' }) })).commands.map((c) => c.id)).toEqual([ids.failed, ids.found]);
    expect((await t.clients.search.searchCommands({ filter: filter({ status: 'fail%', investigatorName: 'Bob%' }) })).commands.map((c) => c.id)).toEqual([ids.failed]);
    expect((await t.clients.search.searchCommands({ filter: filter({ commandId: ids.notFound }) })).commands.map((c) => c.id)).toEqual([ids.notFound]);
  });

  it('searches agents by name, version, status and the actions they ran; a target expands', async () => {
    expect((await t.clients.search.searchAgents({ filter: filter({ agentVersion: '2014%' }) })).agents.map((a) => a.id)).toEqual([ids.host2]);
    expect((await t.clients.search.searchAgents({ filter: filter({ actionName: 'find botnet' }) })).agents.map((a) => a.id)).toEqual([ids.host1]);
    expect((await t.clients.search.searchAgents({ filter: filter({ threatFamily: 'rootkit', status: 'online' }) })).agents.map((a) => a.id).sort()).toEqual([ids.host1, ids.host2].sort());
    const expanded = await t.clients.search.searchAgents({ filter: filter({ target: "name LIKE 'host2%'" }) });
    expect(expanded.agents.map((a) => a.id)).toEqual([ids.host2]);
    expect(expanded.agents[0].environment?.ident).toBe('Ubuntu 14.04');
    const combined = await grpcCode(t.clients.search.searchAgents({ filter: filter({ target: 'true', agentName: 'host%' }) }));
    expect(combined).toMatchObject({ code: status.INVALID_ARGUMENT, details: expect.stringContaining('filter.target') });
    expect((await grpcCode(t.clients.search.searchAgents({ filter: filter({ target: 'pg_sleep(1) IS NULL' }) }))).code).toBe(status.INVALID_ARGUMENT);
  });

  it('searches investigators and returns their public facts only, never key material', async () => {
    const { investigators } = await t.clients.search.searchInvestigators({ filter: filter({ actionName: 'find botnet' }) });
    expect(investigators).toEqual([
      { id: ids.alice, name: 'Alice Kelso', pgpfingerprint: 'AAAA', status: 'active' },
      { id: ids.bob, name: 'Bob Kelso', pgpfingerprint: 'BBBB', status: 'active' },
    ]);
    expect((await t.clients.search.searchInvestigators({ filter: filter({ agentName: 'host2%' }) })).investigators.map((i) => i.id)).toEqual([ids.alice]);
    const everything = JSON.stringify([
      await t.clients.search.searchInvestigators({ filter: filter({}) }),
      await t.clients.search.searchActions({ filter: filter({}) }),
      await t.clients.search.searchCommands({ filter: filter({}) }),
    ]);
    expect(everything).not.toMatch(/PRIVATE KEY MATERIAL|PUBLIC KEY/);
  });

  it('refuses bad filters, naming them', async () => {
    expect(await grpcCode(t.clients.search.searchActions({ filter: filter({ foundanything: true }) }))).toMatchObject({ code: status.INVALID_ARGUMENT, details: expect.stringContaining('filter.foundanything') });
    expect(await grpcCode(t.clients.search.searchActions({ filter: filter({ limit: 100_000 }) }))).toMatchObject({ code: status.INVALID_ARGUMENT, details: expect.stringContaining('filter.limit') });
    expect(await grpcCode(t.clients.search.searchCommands({ filter: filter({ offset: -1 }) }))).toMatchObject({ code: status.INVALID_ARGUMENT, details: expect.stringContaining('filter.offset') });
    expect(await grpcCode(t.clients.search.searchAgents({ filter: filter({ agentId: -5 }) }))).toMatchObject({ code: status.INVALID_ARGUMENT, details: expect.stringContaining('filter.agent_id') });
  });
});
