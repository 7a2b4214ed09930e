import { MIG_MIGRATIONS } from '@mig-data/database';
import { action, heartbeat, commandRefs } from './support/fixtures';
import { registerTestInvestigator, signedAction } from './support/signing';
import { startTestService, type TestService } from './support/test-service';
import { expandedAgents } from './support/expansion';

/**
 * Columns MIG's Go code (mozilla/mig database/*.go at 9e7e4f52) scans into non-null Go types —
 * time.Time, string, int/float, or []byte handed to json.Unmarshal — with a method that reads
 * each. A NULL in any of them fails that method (`storing driver.Value type <nil> into type
 * *time.Time`, `unexpected end of JSON input`). Nullable on MIG's side, so absent here:
 * agents.loadername (sql.NullString), investigators.publickey ([]byte), loaders.name.
 */
const MIG_NON_NULL_READS = [
  ...['name', 'target', 'status'].map((column) => ({ table: 'actions', column, reader: 'ActionByID (string)' })),
  ...['description', 'threat', 'operations', 'pgpsignatures'].map((column) => ({ table: 'actions', column, reader: 'ActionByID (json.Unmarshal)' })),
  ...['validfrom', 'expireafter', 'starttime', 'finishtime', 'lastupdatetime'].map((column) => ({ table: 'actions', column, reader: 'ActionByID, LastActions (time.Time)' })),
  { table: 'actions', column: 'syntaxversion', reader: 'ActionByID (uint16)' },
  { table: 'commands', column: 'status', reader: 'CommandByID, CommandsByActionID (string)' },
  { table: 'commands', column: 'results', reader: 'CommandByID, CommandsByActionID, SearchCommands (json.Unmarshal)' },
  ...['starttime', 'finishtime'].map((column) => ({ table: 'commands', column, reader: 'CommandByID, CommandsByActionID (time.Time)' })),
  ...['name', 'queueloc', 'mode', 'version', 'status'].map((column) => ({ table: 'agents', column, reader: 'AgentByID, AgentByQueueAndPID (string)' })),
  { table: 'agents', column: 'pid', reader: 'AgentByID (int)' },
  ...['starttime', 'heartbeattime', 'refreshtime'].map((column) => ({ table: 'agents', column, reader: 'AgentByID, ActiveAgentsByQueue (time.Time)' })),
  { table: 'agents', column: 'destructiontime', reader: 'ActiveAgentsByTarget, SearchAgents (time.Time)' },
  ...['environment', 'tags'].map((column) => ({ table: 'agents', column, reader: 'AgentByID, ActiveAgentsByTarget (json.Unmarshal)' })),
  ...['name', 'pgpfingerprint', 'status'].map((column) => ({ table: 'investigators', column, reader: 'InvestigatorByID, InvestigatorByActionID (string)' })),
  ...['createdat', 'lastmodified'].map((column) => ({ table: 'investigators', column, reader: 'InvestigatorByID (time.Time)' })),
  { table: 'investigators', column: 'permissions', reader: 'InvestigatorByID, SearchInvestigators (int64)' },
  { table: 'agents_stats', column: 'timestamp', reader: 'GetAgentsStats (time.Time)' },
  ...['online_agents', 'online_endpoints', 'idle_agents', 'idle_endpoints', 'new_endpoints', 'multi_agents_endpoints', 'disappeared_endpoints', 'flapping_endpoints'].map(
    (column) => ({ table: 'agents_stats', column, reader: 'GetAgentsStats (float64)' }),
  ),
  ...['online_agents_by_version', 'idle_agents_by_version'].map((column) => ({ table: 'agents_stats', column, reader: 'GetAgentsStats (json.Unmarshal)' })),
];

// As PostgreSQL stores what MIG writes: lib/pq sends Go's time.Date(9998, 1, 11, 11, 11, 11, 11 ns)
// with its nanoseconds, and PostgreSQL keeps microseconds.
const MIG_FUTURE_DATE = new Date('9998-01-11T11:11:11Z');
const GO_ZERO_TIME = new Date('0001-01-01T00:00:00Z');

describe("MIG's values for unset times and results", () => {
  let t: TestService;
  beforeAll(async () => {
    t = await startTestService();
  });
  afterAll(() => t.stop());

  it("rows written through every write RPC satisfy MIG's reading rules: no NULL where MIG's Go code scans a non-null type", async () => {
    const hosts = ['keep', 'finish', 'destroy', 'upgrade'].map((name) => `${name}.mig-rules.example.net`);
    const { results } = await t.clients.agents.recordHeartbeats({ heartbeats: hosts.map((host) => heartbeat(host, { tags: undefined, environment: undefined })) });
    const [keep, finish, destroy, upgrade] = results.map((result) => result.agentId);
    await t.clients.agents.recordHeartbeat({ heartbeat: heartbeat(hosts[0]) });

    const investigator = await registerTestInvestigator(t, 'Rules Investigator');
    await t.clients.investigators.updateInvestigatorStatus({ id: investigator.id, status: 'disabled' });
    await t.clients.investigators.updateInvestigatorStatus({ id: investigator.id, status: 'active' });
    await t.clients.investigators.createSchedulerInvestigator({ name: '' });
    await t.clients.permissions.createModule({ name: 'file' });
    await t.clients.permissions.setAgentModuleRequirement({ agentId: keep, module: 'file', minimumWeight: 1 });
    await t.clients.permissions.setInvestigatorModulePermission({ investigatorId: investigator.id, agentId: keep, module: 'file', weight: 1 });

    const running = (await t.clients.actions.createAction({ action: await signedAction(t, { name: 'rules: running' }, [investigator]) })).action!.id;
    const cancelled = (await t.clients.actions.createAction({ action: await signedAction(t, { name: 'rules: cancelled' }, [investigator]) })).action!.id;
    const schedulerSigned = (await t.clients.investigators.signActionAsScheduler({ action: action({ name: 'rules: by the scheduler', pgpsignatures: [] }) })).action!;
    const finished = (await t.clients.actions.createAction({ action: schedulerSigned })).action!.id;
    await t.clients.actions.claimPendingActions({ limit: 10 });
    await t.clients.actions.updateActionStatus({ id: running, status: 'preparing' });
    await t.clients.actions.updateActionStatus({ id: running, status: 'inflight' });
    await t.clients.actions.updateActionStatus({ id: finished, status: 'preparing' });
    await t.clients.actions.updateActionStatus({ id: cancelled, status: 'cancelled' });

    const commands = commandRefs(await t.clients.commands.createCommands({ actionId: running, agentIds: [keep, finish, destroy], starttime: undefined }));
    await t.clients.commands.createCommands({ actionId: finished, agentIds: [finish], starttime: undefined });
    await t.clients.commands.markCommandSent({ id: commands[0].id });
    await t.clients.commands.markCommandSent({ id: commands[1].id });
    await t.clients.commands.finishCommand({
      id: commands[1].id, status: 'success', results: [{ foundanything: true }], finishtime: undefined, agentQueueloc: `linux.${hosts[1]}.abcdef`, agentPid: 4242,
    });
    await t.clients.actions.finishAction({ id: finished, finishtime: undefined, force: true });

    await t.clients.fleet.markAgentDestroyed({ id: destroy, destructiontime: undefined });
    await t.clients.fleet.markAgentUpgraded({ id: upgrade });
    await t.clients.fleet.createAgentsStats({});
    await t.clients.fleet.markIdleAgents({ heartbeatBefore: new Date(Date.now() + 60_000) });
    await t.clients.fleet.markOfflineAgents({ heartbeatBefore: new Date(Date.now() + 60_000) });
    await t.clients.fleet.createAgentsStats({});

    const offending: string[] = [];
    for (const { table, column, reader } of MIG_NON_NULL_READS) {
      const { rows } = await t.sql.query(`SELECT count(*)::int AS rows, count(*) FILTER (WHERE ${column} IS NULL)::int AS nulls FROM ${table}`);
      if (rows[0].rows === 0) offending.push(`${table}: the workflow wrote no row to check`);
      if (rows[0].nulls > 0) offending.push(`${table}.${column}: ${rows[0].nulls} of ${rows[0].rows} rows NULL, which fails MIG's ${reader}`);
    }
    expect(offending).toEqual([]);

    // And the values are MIG's own, not just anything non-null.
    const { rows: pending } = await t.sql.query(`SELECT finishtime, results FROM commands WHERE id = ANY($1::numeric[]) ORDER BY id`, [[commands[0].id, commands[2].id]]);
    expect(pending).toEqual([{ finishtime: MIG_FUTURE_DATE, results: [] }, { finishtime: MIG_FUTURE_DATE, results: [] }]);
    const { rows: agents } = await t.sql.query(`SELECT id, destructiontime FROM agents WHERE id = ANY($1::numeric[]) ORDER BY id`, [[keep, upgrade]]);
    expect(agents.map((row) => row.destructiontime)).toEqual([MIG_FUTURE_DATE, MIG_FUTURE_DATE]);
    const { rows: actions } = await t.sql.query(`SELECT to_char(finishtime AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS') AS finishtime FROM actions WHERE id = ANY($1::numeric[]) ORDER BY id`, [[running, cancelled]]);
    expect(actions).toEqual([{ finishtime: '0001-01-01 00:00:00' }, { finishtime: '0001-01-01 00:00:00' }]);

    // The service itself reads them back as unset.
    const { command } = await t.clients.commands.getCommand({ id: commands[0].id });
    expect(command).toMatchObject({ finishtime: undefined, results: [] });
    expect(command!.agent).toMatchObject({ destructiontime: undefined });
    expect(command!.action).toMatchObject({ id: running, finishtime: undefined });
    expect((await t.clients.actions.getAction({ id: finished })).action!.finishtime).toBeInstanceOf(Date);
  });

  describe('rows written the way MIG writes them', () => {
    const ids = { agent: 9_000_001, destroyed: 9_000_002, action: 9_000_101, done: 9_000_102, pending: 9_000_201, nullResults: 9_000_202, returned: 9_000_203, investigator: 0 };
    const returnedAt = new Date('2026-11-20T10:05:00Z');
    const destroyedAt = new Date('2026-11-20T11:00:00Z');
    beforeAll(async () => {
      // Each INSERT names the columns and values of MIG's database/*.go, with times as lib/pq sends them.
      const { rows } = await t.sql.query(
        `INSERT INTO investigators (name, pgpfingerprint, publickey, status, createdat, lastmodified, permissions)
         VALUES ('MIG Investigator', 'A0B1C2D3E4F5A0B1C2D3E4F5A0B1C2D3E4F5A0B1', 'PUBLIC KEY', 'active', now(), now(), 2) RETURNING id`, // InsertInvestigator
      );
      ids.investigator = Number(rows[0].id);
      const insertAgent = `INSERT INTO agents (id, name, queueloc, mode, version, pid, starttime, destructiontime, heartbeattime, refreshtime, status, environment, tags, loadername)
        VALUES ($1, $2, $3, 'daemon', '20190101+abcdef.prod', 4242, now() - interval '1 hour', $4, now(), now(), $5, '{"os":"linux","arch":"amd64"}', '{"operator":"IT"}',
                (SELECT loadername FROM loaders WHERE queueloc = $6 LIMIT 1))`; // InsertAgent
      await t.sql.query(insertAgent, [ids.agent, 'mig-written.example.net', 'linux.mig-written.example.net.q1', '9998-01-11 11:11:11.000000011Z', 'online', 'linux.mig-written.example.net.q1']);
      await t.sql.query(insertAgent, [ids.destroyed, 'mig-destroyed.example.net', 'linux.mig-destroyed.example.net.q1', destroyedAt, 'destroyed', 'linux.mig-destroyed.example.net.q1']);
      const insertAction = `INSERT INTO actions (id, name, target, description, threat, operations, validfrom, expireafter, starttime, finishtime, lastupdatetime, status, pgpsignatures, syntaxversion)
        VALUES ($1, $2, 'queueloc LIKE ''linux.mig-%''', '{"author":"MIG","email":"mig@example.net","url":"","revision":201901010000}', '{"level":"low","family":"test"}',
                '[{"module":"file","parameters":{"searches":{"s1":{"paths":["/etc"],"names":["passwd"]}}}}]',
                now() - interval '1 hour', now() + interval '1 hour', now() - interval '1 hour', $3, now(), $4, '["c2lnbmF0dXJl"]', 2)`; // InsertAction
      await t.sql.query(insertAction, [ids.action, 'mig-written: inflight', '0001-01-01 00:00:00Z', 'inflight']);
      await t.sql.query(insertAction, [ids.done, 'mig-written: done', returnedAt, 'completed']);
      await t.sql.query(`INSERT INTO signatures (actionid, investigatorid, pgpsignature) VALUES ($1, $2, 'c2lnbmF0dXJl')`, [ids.action, ids.investigator]); // InsertSignature
      // InsertCommands: the future date, and results as json.Marshal gives them (a nil slice is `null`).
      const insertCommand = `INSERT INTO commands (id, actionid, agentid, status, starttime, finishtime, results) VALUES ($1, $2, $3, 'sent', now(), $4, $5)`;
      await t.sql.query(insertCommand, [ids.pending, ids.action, ids.agent, '9998-01-11 11:11:11.000000011Z', '[]']);
      await t.sql.query(insertCommand, [ids.nullResults, ids.action, ids.destroyed, '9998-01-11 11:11:11.000000011Z', 'null']);
      await t.sql.query(insertCommand, [ids.returned, ids.done, ids.agent, '9998-01-11 11:11:11.000000011Z', '[]']);
      // FinishCommand
      await t.sql.query(`UPDATE commands SET status = 'success', results = $2, finishtime = $3 WHERE id = $1`, [ids.returned, JSON.stringify([{ foundanything: true }]), returnedAt]);
    });

    it('are read by every read RPC with unset times reported unset, and set ones as they are', async () => {
      const expectAction = (message: { id: number; finishtime?: Date } | undefined) =>
        expect(message?.finishtime).toEqual(message?.id === ids.done ? returnedAt : undefined);
      const expectAgent = (message: { id: number; destructiontime?: Date } | undefined) =>
        expect(message?.destructiontime).toEqual(message?.id === ids.destroyed ? destroyedAt : undefined);
      const expectCommand = (message: { id: number; finishtime?: Date; results: unknown[] } | undefined) => {
        expect(message?.finishtime).toEqual(message?.id === ids.returned ? returnedAt : undefined);
        expect(message?.results).toEqual(message?.id === ids.returned ? [{ foundanything: true }] : []);
      };

      const { action: inflight } = await t.clients.actions.getAction({ id: ids.action });
      expect(inflight).toMatchObject({ id: ids.action, status: 'inflight', counters: { sent: 2, inflight: 2 }, investigators: [{ id: ids.investigator, name: 'MIG Investigator' }] });
      expect((await t.clients.investigators.getInvestigator({ id: ids.investigator })).investigator).toMatchObject({ status: 'active', permissions: 2 });
      expect((await t.clients.investigators.listActionInvestigators({ actionId: ids.action, pageSize: 0, pageToken: '' })).investigators).toMatchObject([{ id: ids.investigator, permissions: 2 }]);
      expectAction(inflight);
      expectAction((await t.clients.actions.getAction({ id: ids.done })).action);
      const listed = (await t.clients.actions.listActions({ pageSize: 100, pageToken: '' })).actions.filter((a) => a.name.startsWith('mig-written'));
      expect(listed.map((a) => a.id).sort()).toEqual([ids.action, ids.done]);
      listed.forEach(expectAction);

      for (const id of [ids.pending, ids.nullResults, ids.returned]) {
        const { command } = await t.clients.commands.getCommand({ id });
        expectCommand(command);
        expectAction(command!.action);
        expectAgent(command!.agent);
      }
      const byAction = (await t.clients.commands.listCommands({ actionId: ids.action, pageSize: 10, pageToken: '' })).commands;
      expect(byAction.map((c) => c.id)).toEqual([ids.pending, ids.nullResults]);
      byAction.forEach(expectCommand);

      for (const id of [ids.agent, ids.destroyed]) expectAgent((await t.clients.agents.getAgent({ id })).agent);
      const agents = (await t.clients.agents.listAgents({ name: 'mig-written.example.net', heartbeatAfter: undefined, pageSize: 10, pageToken: '' })).agents;
      expect(agents.map((a) => a.id)).toEqual([ids.agent]);
      expect(agents[0]).toMatchObject({ refreshtime: expect.any(Date), loadername: '' });
      agents.forEach(expectAgent);
      const destroyed = (await t.clients.agents.listAgents({ status: 'destroyed', name: 'mig-destroyed.example.net', heartbeatAfter: undefined, pageSize: 10, pageToken: '' })).agents;
      expect(destroyed.map((a) => a.id)).toEqual([ids.destroyed]);
      destroyed.forEach(expectAgent);

      const filter = { limit: 0, offset: 0, after: undefined, before: undefined };
      const searchedActions = (await t.clients.search.searchActions({ filter: { ...filter, actionName: 'mig-written%' } })).actions;
      expect(searchedActions.map((a) => a.id).sort()).toEqual([ids.action, ids.done]);
      searchedActions.forEach(expectAction);
      const searchedCommands = (await t.clients.search.searchCommands({ filter: { ...filter, actionName: 'mig-written%' } })).commands;
      expect(searchedCommands.map((c) => c.id).sort()).toEqual([ids.pending, ids.nullResults, ids.returned]);
      for (const command of searchedCommands) {
        expectCommand(command);
        expectAction(command.action);
        expectAgent(command.agent);
      }
      const searchedAgents = (await t.clients.search.searchAgents({ filter: { ...filter, agentName: 'mig-%.example.net' } })).agents;
      expect(searchedAgents.map((a) => a.id).sort()).toEqual([ids.agent, ids.destroyed]);
      searchedAgents.forEach(expectAgent);

      const byQueue = (await t.clients.fleet.listActiveAgentsByQueue({ queueloc: 'linux.mig-written.example.net.q1', since: new Date(Date.now() - 600_000), pageSize: 0, pageToken: '' })).agents;
      expect(byQueue.map((a) => a.id)).toEqual([ids.agent]);
      byQueue.forEach(expectAgent);
      const expanded = await expandedAgents(t.clients.fleet, { target: "name = 'mig-written.example.net'", withEnvironment: true });
      expect(expanded.map((a) => a.id)).toEqual([ids.agent]);
      expect(expanded[0]).toMatchObject({ refreshtime: expect.any(Date), loadername: '' });
      expanded.forEach(expectAgent);
      expect((await t.clients.fleet.listActiveAgents({ since: new Date(Date.now() - 600_000), pageSize: 1000, pageToken: '' })).agents).toContainEqual({
        queueloc: 'linux.mig-written.example.net.q1', name: 'mig-written.example.net',
      });
    });
  });

  it("the migration turns NULLs stored by earlier versions into MIG's values, and a second run writes nothing", async () => {
    // Rows as earlier versions of mig-data wrote them.
    await t.sql.query(`INSERT INTO agents (id, name, queueloc, mode, version, pid, starttime, heartbeattime, refreshtime, status)
                       VALUES (9100001, 'old.example.net', 'linux.old.example.net.q', 'daemon', '1', 1, now(), now(), now(), 'online'),
                              (9100002, 'old2.example.net', 'linux.old2.example.net.q', 'daemon', '1', 1, now(), now(), now(), 'offline')`);
    await t.sql.query(`INSERT INTO actions (id, name, target, operations, validfrom, expireafter, starttime, lastupdatetime, status, syntaxversion, pgpsignatures)
                       VALUES (9100101, 'old action', 'true', '[]', now(), now() + interval '1 hour', now(), now(), 'inflight', 2, '[]')`);
    await t.sql.query(`INSERT INTO commands (id, actionid, agentid, status, starttime) VALUES (9100201, 9100101, 9100001, 'sent', now())`);
    await t.sql.query(`INSERT INTO commands (id, actionid, agentid, status, starttime) VALUES (9100202, 9100101, 9100002, 'expired', now())`);

    const Migration = MIG_MIGRATIONS.find((candidate) => candidate.name === 'MigUnsetValues1796000200000')!;
    const migration = new Migration();
    const runner = t.service.dataSource.createQueryRunner();
    try {
      await migration.up(runner);
      const { rows: agent } = await t.sql.query(`SELECT destructiontime FROM agents WHERE id = 9100001`);
      expect(agent).toEqual([{ destructiontime: MIG_FUTURE_DATE }]);
      const { rows: commands } = await t.sql.query(`SELECT finishtime, results FROM commands WHERE id IN (9100201, 9100202) ORDER BY id`);
      expect(commands).toEqual([{ finishtime: MIG_FUTURE_DATE, results: [] }, { finishtime: MIG_FUTURE_DATE, results: [] }]);
      const { rows: action } = await t.sql.query(`SELECT finishtime = $1::timestamptz AS zero FROM actions WHERE id = 9100101`, [GO_ZERO_TIME.toISOString()]);
      expect(action).toEqual([{ zero: true }]);
      const { rows: nulls } = await t.sql.query(`SELECT
        (SELECT count(*) FROM agents WHERE destructiontime IS NULL) + (SELECT count(*) FROM actions WHERE finishtime IS NULL)
        + (SELECT count(*) FROM commands WHERE finishtime IS NULL OR results IS NULL) AS n`);
      expect(Number(nulls[0].n)).toBe(0);

      // Idempotent and cheap: nothing is rewritten (a rewritten row gets a new xmin).
      const versions = `SELECT (SELECT string_agg(xmin::text, ',' ORDER BY id) FROM agents) || (SELECT string_agg(xmin::text, ',' ORDER BY id) FROM actions)
                        || (SELECT string_agg(xmin::text, ',' ORDER BY id) FROM commands) AS v`;
      const before = (await t.sql.query(versions)).rows[0].v;
      await migration.up(runner);
      expect((await t.sql.query(versions)).rows[0].v).toBe(before);
    } finally {
      await runner.release();
    }

    // Read back through the service, the rewritten rows are as unset as the NULLs were.
    expect((await t.clients.agents.getAgent({ id: 9100001 })).agent!.destructiontime).toBeUndefined();
    expect((await t.clients.actions.getAction({ id: 9100101 })).action!.finishtime).toBeUndefined();
    expect((await t.clients.commands.getCommand({ id: 9100201 })).command).toMatchObject({ finishtime: undefined, results: [] });
  });
});
