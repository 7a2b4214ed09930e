import { status } from '@grpc/grpc-js';
import { grpcCode, heartbeat, commandRefs } from './support/fixtures';
import { signedAction } from './support/signing';
import { startTestService, type TestService } from './support/test-service';
import { walk } from './support/walk-pages';

/**
 * Paging while the rows move: every list pages by a key the writes never change, so a reader
 * sees every row that exists for its whole walk (and matches its filters throughout) exactly
 * once. Writers here run between the reader's pages, every time, so each walk is certain to meet
 * them (an offset over heartbeat order skipped and repeated agents under exactly this load).
 */
describe('paging that neither skips nor repeats', () => {
  const AGENTS = 10_000;
  let t: TestService;
  let agentIds: number[];
  const hostOf = (index: number) => `paged${index}.example.net`;

  beforeAll(async () => {
    t = await startTestService();
    agentIds = [];
    for (let from = 0; from < AGENTS; from += 1000) {
      const batch = Array.from({ length: 1000 }, (_, i) => heartbeat(hostOf(from + i), { heartbeatts: new Date(Date.now() - 60_000) }));
      const { results } = await t.clients.agents.recordHeartbeats({ heartbeats: batch });
      agentIds.push(...results.map((r) => r.agentId));
    }
  }, 120_000);
  afterAll(() => t.stop());

  it('returns each of 10,000 agents exactly once, in pages of 100, while 2,000 of them heartbeat', async () => {
    // 2,000 agents spread over the whole id range, heartbeating 20 at a time between pages.
    const heartbeating = Array.from({ length: 2000 }, (_, i) => (i * 5 + (i % 5)) % AGENTS);
    let beat = 0;
    const started = new Date();
    const seen = await walk(
      async (pageToken) => {
        const page = await t.clients.agents.listAgents({ pageSize: 100, pageToken, heartbeatAfter: undefined });
        return { rows: page.agents.map((agent) => agent.id), nextPageToken: page.nextPageToken };
      },
      async () => {
        const batch = heartbeating.slice(beat, beat + 20).map((index) => heartbeat(hostOf(index), { heartbeatts: new Date(Date.now() + beat) }));
        beat += batch.length;
        if (batch.length > 0) await t.clients.agents.recordHeartbeats({ heartbeats: batch });
      },
    );
    expect(beat).toBe(2000);
    expect(seen).toHaveLength(AGENTS);
    expect(new Set(seen).size).toBe(AGENTS);
    expect([...seen].sort((a, b) => a - b)).toEqual([...agentIds].sort((a, b) => a - b));
    // The heartbeats landed: those agents now lead the heartbeat order the old paging followed.
    const { rows } = await t.sql.query(`SELECT count(*)::int AS n FROM agents WHERE heartbeattime >= $1`, [started]);
    expect(rows[0].n).toBe(2000);
  });

  it('returns each agent once with a filter, and agents registering meanwhile at most once', async () => {
    let registered = 0;
    const seen = await walk(
      async (pageToken) => {
        const page = await t.clients.agents.listAgents({ status: 'online', pageSize: 500, pageToken, heartbeatAfter: undefined });
        return { rows: page.agents.map((agent) => agent.id), nextPageToken: page.nextPageToken };
      },
      async (pageIndex) => {
        await t.clients.agents.recordHeartbeats({ heartbeats: [heartbeat(`newcomer${pageIndex}.example.net`), heartbeat(hostOf(AGENTS - 1 - pageIndex))] });
        registered++;
      },
    );
    expect(new Set(seen).size).toBe(seen.length);
    const original = new Set(agentIds);
    expect(seen.filter((id) => original.has(id))).toHaveLength(AGENTS);
    expect(seen.length - AGENTS).toBeLessThanOrEqual(registered);
  });

  it("returns each of an action's commands once while they are finished, and each one still out (prepared) once under a status filter", async () => {
    const actionId = (await t.clients.actions.createAction({ action: await signedAction(t, { name: 'paged commands' }) })).action!.id;
    const targets = agentIds.slice(0, 1000);
    const commands = commandRefs(await t.clients.commands.createCommands({ actionId, agentIds: targets, starttime: undefined }));
    const indexOfAgent = new Map(agentIds.map((id, index) => [id, index]));
    // 500 commands spread over the action, finished 25 at a time between pages.
    const finishing = commands.filter((_, i) => i % 2 === 1);
    let finished = 0;
    const finishSome = async () => {
      const batch = finishing.slice(finished, finished + 25);
      finished += batch.length;
      await Promise.all(
        batch.map((ref) =>
          t.clients.commands.finishCommand({
            id: ref.id,
            status: 'success',
            results: [{ foundanything: false }],
            finishtime: undefined,
            agentQueueloc: `linux.${hostOf(indexOfAgent.get(ref.agentId)!)}.abcdef`,
            agentPid: 4242,
          }),
        ),
      );
    };
    const listPage = (filter: string | undefined) => async (pageToken: string) => {
      const page = await t.clients.commands.listCommands({ actionId, status: filter, pageSize: 50, pageToken });
      return { rows: page.commands.map((command) => command.id), nextPageToken: page.nextPageToken };
    };

    const all = await walk(listPage(undefined), finishSome);
    expect(finished).toBe(500);
    expect(all).toHaveLength(1000);
    expect(new Set(all)).toEqual(new Set(commands.map((c) => c.id)));

    // Start over with half finished; finish the rest while walking only those still out (created prepared).
    finishing.splice(0, finishing.length, ...commands.filter((_, i) => i % 2 === 0 && i % 3 !== 0));
    finished = 0;
    const stillOut = await walk(listPage('prepared'), finishSome);
    expect(finished).toBeGreaterThanOrEqual(150);
    expect(new Set(stillOut).size).toBe(stillOut.length);
    const { rows } = await t.sql.query(`SELECT id FROM commands WHERE actionid = $1 AND status = 'prepared'`, [actionId]);
    expect(rows).toHaveLength(500 - finished);
    expect(stillOut).toEqual(expect.arrayContaining(rows.map((row) => Number(row.id))));
  }, 180_000);

  it('returns each action once while their statuses change, and each still-pending one once under a status filter', async () => {
    // Actions stored straight in the table (signing 1,000 would only slow the test); their
    // statuses then move through the service. validfrom runs against the id order, so claims
    // (oldest validfrom first) take actions from every part of the walk.
    await t.sql.query(
      `INSERT INTO actions (id, name, target, validfrom, expireafter, starttime, status, syntaxversion, operations, pgpsignatures, description, threat)
       SELECT nextval('mig_id_seq'), 'paged ' || g, 'true', now() - ((g * 7919) % 1000) * interval '1 second', now() + interval '1 day',
              now(), 'pending', 2, '[]', '[]', '{}', '{}'
       FROM generate_series(1, 1000) g`,
    );
    const listPage = (filter: string | undefined) => async (pageToken: string) => {
      const page = await t.clients.actions.listActions({ status: filter, pageSize: 50, pageToken });
      return { rows: page.actions.map((action) => action.id), nextPageToken: page.nextPageToken };
    };
    const claimSome = async () => {
      await t.clients.actions.claimPendingActions({ limit: 20 });
    };
    const { rows: before } = await t.sql.query(`SELECT id FROM actions`);

    const all = await walk(listPage(undefined), claimSome);
    expect(new Set(all).size).toBe(all.length);
    expect(new Set(all)).toEqual(new Set(before.map((row) => Number(row.id))));

    const pending = await walk(listPage('pending'), claimSome);
    expect(new Set(pending).size).toBe(pending.length);
    const { rows: stillPending } = await t.sql.query(`SELECT id FROM actions WHERE status = 'pending'`);
    expect(stillPending.length).toBeGreaterThan(0);
    expect(pending).toEqual(expect.arrayContaining(stillPending.map((row) => Number(row.id))));
    const { rows: claimed } = await t.sql.query(`SELECT count(*)::int AS n FROM actions WHERE status = 'scheduled'`);
    expect(claimed[0].n).toBeGreaterThanOrEqual(400);
  });

  it('returns each active (queueloc, name) pair once while agents heartbeat and each stats snapshot once while more are taken', async () => {
    const since = new Date(Date.now() - 3_600_000);
    let beat = 0;
    const pairs = await walk(
      async (pageToken) => {
        const page = await t.clients.fleet.listActiveAgents({ since, pageSize: 700, pageToken });
        return { rows: page.agents.map((agent) => `${agent.queueloc} ${agent.name}`), nextPageToken: page.nextPageToken };
      },
      async () => {
        await t.clients.agents.recordHeartbeats({ heartbeats: Array.from({ length: 100 }, () => heartbeat(hostOf((beat++ * 37) % AGENTS))) });
      },
    );
    expect(new Set(pairs).size).toBe(pairs.length);
    expect(pairs.filter((pair) => pair.startsWith('linux.paged'))).toHaveLength(AGENTS);

    // Snapshots of one instant tie on timestamp: ctid keeps them apart.
    await t.sql.query(`INSERT INTO agents_stats (timestamp, online_agents) SELECT now() - interval '1 hour', g FROM generate_series(1, 5) g`);
    for (let i = 0; i < 5; i++) await t.clients.fleet.createAgentsStats({});
    const { rows: existing } = await t.sql.query(`SELECT timestamp, online_agents FROM agents_stats`);
    const snapshots = await walk(
      async (pageToken) => {
        const page = await t.clients.fleet.listAgentsStats({ pageSize: 2, pageToken });
        return { rows: page.stats.map((stats) => `${stats.timestamp!.toISOString()} ${stats.onlineAgents}`), nextPageToken: page.nextPageToken };
      },
      async () => {
        await t.clients.fleet.createAgentsStats({});
      },
    );
    // Newer snapshots taken while paging land before the reader and are not read; the ten that
    // existed come back once each (compared as a multiset: two snapshots may look alike).
    expect(snapshots.sort()).toEqual(existing.map((row) => `${row.timestamp.toISOString()} ${Number(row.online_agents)}`).sort());
  });

  describe('tokens', () => {
    const listAgents = (pageToken: string, filters: { status?: string; name?: string } = {}) =>
      t.clients.agents.listAgents({ ...filters, pageSize: 10, pageToken, heartbeatAfter: undefined });

    it('refuse a token sent with other filters than its first page, naming the bound filters', async () => {
      const { nextPageToken } = await listAgents('', { status: 'online' });
      expect(await listAgents(nextPageToken, { status: 'online' })).toMatchObject({ agents: expect.any(Array) });
      for (const other of [{ status: 'idle' }, {}, { status: 'online', name: 'paged1.example.net' }]) {
        const refused = await grpcCode(listAgents(nextPageToken, other));
        expect(refused.code).toBe(status.INVALID_ARGUMENT);
        expect(refused.details).toBe(
          "page_token: was issued for other filters than this request's (status, name, queueloc, version, heartbeat_after): send the filters of the first page with every page, or no page_token to start over",
        );
      }
    });

    it('refuse a token of another list, saying which list issued it', async () => {
      const { nextPageToken } = await listAgents('');
      const refused = await grpcCode(t.clients.actions.listActions({ pageSize: 10, pageToken: nextPageToken }));
      expect(refused).toEqual({
        code: status.INVALID_ARGUMENT,
        details: "page_token: was issued by ListAgents, not ListActions; pass the previous response's next_page_token unchanged, or no page_token to start from the first page",
      });
      const fleetRefusal = await grpcCode(t.clients.fleet.listOfflineAgents({ seenWithin: undefined, silentFor: undefined, pageSize: 10, pageToken: nextPageToken }));
      expect(fleetRefusal.details).toContain('was issued by ListAgents, not ListOfflineAgents');
    });

    it('refuse a tampered, truncated or hand-made token, telling the caller to pass next_page_token unchanged', async () => {
      const { nextPageToken } = await listAgents('');
      const [body, check] = nextPageToken.split('.');
      const payload = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
      const edited = Buffer.from(JSON.stringify({ ...payload, key: [1] })).toString('base64url');
      for (const bad of [`${edited}.${check}`, nextPageToken.slice(0, -2), 'garbage', Buffer.from('offset:100').toString('base64url')]) {
        const refused = await grpcCode(listAgents(bad));
        expect(refused.code).toBe(status.INVALID_ARGUMENT);
        expect(refused.details).toBe(
          "page_token: is not a token this service issued, or was altered; pass the previous response's next_page_token unchanged, or no page_token to start from the first page",
        );
      }
    });
  });
});
