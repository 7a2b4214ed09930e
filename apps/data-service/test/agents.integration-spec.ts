import { status } from '@grpc/grpc-js';
import { grpcCode, heartbeat } from './support/fixtures';
import { startTestService, type TestService } from './support/test-service';

describe('AgentService over gRPC', () => {
  let t: TestService;
  beforeAll(async () => {
    t = await startTestService();
  });
  afterAll(() => t.stop());

  it('registers an agent on its first heartbeat and updates the same row on the next', async () => {
    const first = await t.clients.agents.recordHeartbeat({ heartbeat: heartbeat('host1.example.net', { heartbeatts: new Date('2026-11-28T10:00:00Z') }) });
    expect(first.registered).toBe(true);

    const second = await t.clients.agents.recordHeartbeat({ heartbeat: heartbeat('host1.example.net', { heartbeatts: new Date('2026-11-28T10:01:00Z') }) });
    expect(second).toEqual({ agentId: first.agentId, registered: false });

    const { rows } = await t.sql.query(`SELECT id, heartbeattime, status, environment->>'ident' AS ident FROM agents WHERE queueloc = 'linux.host1.example.net.abcdef'`);
    expect(rows).toHaveLength(1);
    expect(Number(rows[0].id)).toBe(first.agentId);
    expect(rows[0].heartbeattime.toISOString()).toBe('2026-11-28T10:01:00.000Z');
    expect(rows[0].status).toBe('online');
    expect(rows[0].ident).toBe('Ubuntu 14.04');

    const { agent } = await t.clients.agents.getAgent({ id: first.agentId });
    expect(agent).toMatchObject({ id: first.agentId, name: 'host1.example.net', pid: 4242, status: 'online', tags: { operator: 'IT' } });
    expect(agent?.environment?.addresses).toEqual(['10.0.0.1/8']);
  });

  it('registers a new agent when the old one with the same queueloc and pid went offline', async () => {
    const first = await t.clients.agents.recordHeartbeat({ heartbeat: heartbeat('host2.example.net') });
    await t.sql.query(`UPDATE agents SET status = 'offline' WHERE id = $1`, [first.agentId]);
    const second = await t.clients.agents.recordHeartbeat({ heartbeat: heartbeat('host2.example.net') });
    expect(second.registered).toBe(true);
    expect(second.agentId).not.toBe(first.agentId);
  });

  it('records a scheduler batch of heartbeats in one call, collapsing repeats of one agent', async () => {
    const known = await t.clients.agents.recordHeartbeat({ heartbeat: heartbeat('batch-known.example.net') });
    const batch = [
      heartbeat('batch-known.example.net'),
      ...Array.from({ length: 500 }, (_, i) => heartbeat(`batch${i}.example.net`)),
      heartbeat('batch0.example.net', { heartbeatts: new Date(Date.now() + 1000) }),
    ];
    const { results } = await t.clients.agents.recordHeartbeats({ heartbeats: batch });
    expect(results).toHaveLength(502);
    expect(results[0]).toEqual({ agentId: known.agentId, registered: false });
    expect(results.slice(1, 501).every((r) => r.registered)).toBe(true);
    expect(results[501]).toEqual({ agentId: results[1].agentId, registered: false });
    const { rows } = await t.sql.query(`SELECT count(*)::int AS n FROM agents WHERE name LIKE 'batch%'`);
    expect(rows[0].n).toBe(501);
  });

  it('coalesces concurrent single heartbeats without losing or duplicating any', async () => {
    const calls = Array.from({ length: 300 }, (_, i) => t.clients.agents.recordHeartbeat({ heartbeat: heartbeat(`concurrent${i % 100}.example.net`) }));
    const outcomes = await Promise.all(calls);
    expect(new Set(outcomes.map((o) => o.agentId)).size).toBe(100);
    expect(outcomes.filter((o) => o.registered)).toHaveLength(100);
    const { rows } = await t.sql.query(`SELECT count(*)::int AS n FROM agents WHERE name LIKE 'concurrent%'`);
    expect(rows[0].n).toBe(100);
  });

  it('refuses a heartbeat with a missing field, naming it, and stores nothing', async () => {
    const before = await t.sql.query(`SELECT count(*)::int AS n FROM agents`);
    const refused = await grpcCode(t.clients.agents.recordHeartbeats({ heartbeats: [heartbeat('ok.example.net'), heartbeat('', { name: '' })] }));
    expect(refused.code).toBe(status.INVALID_ARGUMENT);
    expect(refused.details).toContain('heartbeats[1].name');
    const tooLong = await grpcCode(t.clients.agents.recordHeartbeat({ heartbeat: heartbeat('long.example.net', { queueloc: 'q'.repeat(3000) }) }));
    expect(tooLong).toMatchObject({ code: status.INVALID_ARGUMENT, details: expect.stringContaining('heartbeat.queueloc') });
    const after = await t.sql.query(`SELECT count(*)::int AS n FROM agents`);
    expect(after.rows[0].n).toBe(before.rows[0].n);
  });

  it('lists agents with filters and pages through them', async () => {
    const firstPage = await t.clients.agents.listAgents({ name: undefined, status: 'online', queueloc: undefined, version: undefined, heartbeatAfter: undefined, pageSize: 200, pageToken: '' });
    expect(firstPage.agents).toHaveLength(200);
    expect(firstPage.agents.every((a) => a.status === 'online')).toBe(true);
    const seen = new Set(firstPage.agents.map((a) => a.id));
    let token = firstPage.nextPageToken;
    while (token) {
      const page = await t.clients.agents.listAgents({ status: 'online', pageSize: 200, pageToken: token, heartbeatAfter: undefined });
      page.agents.forEach((a) => seen.add(a.id));
      token = page.nextPageToken;
    }
    const { rows } = await t.sql.query(`SELECT count(*)::int AS n FROM agents WHERE status = 'online'`);
    expect(seen.size).toBe(rows[0].n);

    const byName = await t.clients.agents.listAgents({ name: 'batch7.example.net', pageSize: 0, pageToken: '', heartbeatAfter: undefined });
    expect(byName.agents.map((a) => a.name)).toEqual(['batch7.example.net']);
    expect(byName.nextPageToken).toBe('');

    expect((await grpcCode(t.clients.agents.listAgents({ status: 'sleeping', pageSize: 0, pageToken: '', heartbeatAfter: undefined }))).code).toBe(status.INVALID_ARGUMENT);
    expect((await grpcCode(t.clients.agents.listAgents({ pageSize: 0, pageToken: 'garbage', heartbeatAfter: undefined }))).code).toBe(status.INVALID_ARGUMENT);
  });

  it('answers NOT_FOUND for an unknown agent and INVALID_ARGUMENT for a non-positive id', async () => {
    expect((await grpcCode(t.clients.agents.getAgent({ id: 2 ** 53 - 1 }))).code).toBe(status.NOT_FOUND);
    expect((await grpcCode(t.clients.agents.getAgent({ id: 0 }))).code).toBe(status.INVALID_ARGUMENT);
  });
});
