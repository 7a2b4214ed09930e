import { status, type ServiceError } from '@grpc/grpc-js';
import { connectDataService } from '@mig-data/client';
import type { ExpandTargetResponse } from '@mig-data/contract';
import { grpcCode, heartbeat } from './support/fixtures';
import { expandedAgents, expansionRequest } from './support/expansion';
import { startTestService, type TestService } from './support/test-service';

/**
 * ExpandTarget as a stream: batches from one snapshot that together are exactly what the single
 * SELECT returns, paced by the reader, and stopped on the database when the reader leaves.
 */

const HOSTS = 1200;
const ROWS_PER_HOST = 3;

/** What the target selects, asked of PostgreSQL directly in one statement: the unstreamed SQL. */
async function unstreamed(t: TestService, target: string): Promise<Array<{ id: number; queueloc: string }>> {
  const { rows } = await t.sql.query(
    `SELECT DISTINCT ON (agents.queueloc) agents.id, agents.queueloc FROM agents WHERE agents.status IN ('online', 'idle') AND (${target})
     ORDER BY agents.queueloc, agents.heartbeattime DESC, agents.id DESC`,
  );
  return rows.map((row) => ({ id: Number(row.id), queueloc: row.queueloc }));
}

/** The sizes of the batches `total` agents come in: full ones, then the rest. */
function batchSizes(total: number, batchSize: number): number[] {
  return Array.from({ length: Math.ceil(total / batchSize) }, (_, index) => Math.min(batchSize, total - index * batchSize));
}

async function batchesOf(stream: AsyncIterable<ExpandTargetResponse>): Promise<ExpandTargetResponse[]> {
  const batches: ExpandTargetResponse[] = [];
  for await (const batch of stream) batches.push(batch);
  return batches;
}

describe('target expansion streams', () => {
  let t: TestService;
  beforeAll(async () => {
    t = await startTestService(undefined, undefined, { MIG_DATA_STREAM_STALL_MS: '1000' });
    // MIG's table: several agents per endpoint (restarts), one queue per endpoint and pid, some of
    // them idle or gone, ties on heartbeat time broken by id.
    const now = Date.now();
    const heartbeats = Array.from({ length: HOSTS * ROWS_PER_HOST }, (_, index) => {
      const host = index % HOSTS;
      const restart = Math.floor(index / HOSTS);
      return heartbeat(`host${String(host).padStart(5, '0')}.example.net`, {
        pid: 100 + restart,
        queueloc: `${host % 4 === 0 ? 'windows' : 'linux'}.host${String(host).padStart(5, '0')}.example.net.q${host % 7 === 0 ? 0 : restart}`,
        heartbeatts: new Date(now - (host % 5 === 0 ? 0 : restart * 60_000)),
      });
    });
    for (let start = 0; start < heartbeats.length; start += 1000) await t.clients.agents.recordHeartbeats({ heartbeats: heartbeats.slice(start, start + 1000) });
    await t.sql.query(`UPDATE agents SET status = 'idle' WHERE id % 11 = 0`);
    await t.sql.query(`UPDATE agents SET status = 'offline' WHERE id % 13 = 0`);
  }, 300_000);
  afterAll(() => t.stop());

  it('returns exactly the agents of the unstreamed SQL, in batches of batch_size, in every form', async () => {
    for (const target of ["queueloc LIKE 'linux.%'", 'true', "environment->>'os' = 'linux' AND pid > 100", "name = 'nobody.example.net'"]) {
      const expected = await unstreamed(t, target);
      const full = await batchesOf(t.clients.fleet.expandTarget(expansionRequest({ target, batchSize: 97 })));
      expect(full.map((batch) => batch.agents.length)).toEqual(batchSizes(expected.length, 97));
      expect([target, full.flatMap((batch) => batch.agents.map((agent) => ({ id: agent.id, queueloc: agent.queueloc })))]).toEqual([target, expected]);

      const lean = await batchesOf(t.clients.fleet.expandTarget(expansionRequest({ target, batchSize: 250, identitiesOnly: true })));
      expect(lean.map((batch) => batch.identities!.queuelocs.length)).toEqual(batchSizes(expected.length, 250));
      expect(lean.every((batch) => batch.agents.length === 0)).toBe(true);
      expect([target, lean.flatMap((batch) => batch.identities!.ids.map((id, index) => ({ id, queueloc: batch.identities!.queuelocs[index] })))]).toEqual([target, expected]);

      const withEnvironment = await expandedAgents(t.clients.fleet, { target, withEnvironment: true });
      expect(withEnvironment.map((agent) => agent.id)).toEqual(expected.map((agent) => agent.id));
      expect(withEnvironment.every((agent) => agent.environment?.os === 'linux')).toBe(true);
    }
    // The default batch is 1000 agents.
    const defaults = await batchesOf(t.clients.fleet.expandTarget(expansionRequest({ target: 'true' })));
    expect(defaults.map((batch) => batch.agents.length)).toEqual(batchSizes((await unstreamed(t, 'true')).length, 1000));
  });

  it('reads every batch from the snapshot of its first: changes made while the reader reads do not show', async () => {
    const target = "queueloc LIKE 'linux.%'";
    const before = await unstreamed(t, target);
    const batches: number[] = [];
    let changed = false;
    for await (const batch of t.clients.fleet.expandTarget(expansionRequest({ target, batchSize: 50, identitiesOnly: true }))) {
      batches.push(...batch.identities!.ids);
      if (changed) continue;
      changed = true;
      // Agents further on go offline, and new ones come online, between the first batch and the rest.
      const [last] = batch.identities!.queuelocs.slice(-1);
      await t.sql.query(`UPDATE agents SET status = 'offline' WHERE queueloc > $1 AND id % 3 = 0 AND status IN ('online', 'idle')`, [last]);
      await t.clients.agents.recordHeartbeats({ heartbeats: [heartbeat('latecomer.example.net', { queueloc: 'linux.zz-latecomer.example.net' })] });
    }
    expect(batches).toEqual(before.map((agent) => agent.id));
    expect(await unstreamed(t, target)).not.toEqual(before);
  });

  it('refuses a bad request before the first message', async () => {
    expect(await grpcCode(expandedAgents(t.clients.fleet, { target: 'true', batchSize: -1 }))).toEqual({ code: status.INVALID_ARGUMENT, details: 'batch_size: must be 0 (default 1000) or positive, got -1' });
    expect((await grpcCode(expandedAgents(t.clients.fleet, { target: 'true', withEnvironment: true, identitiesOnly: true }))).details).toContain('identities_only: ');
    expect((await grpcCode(expandedAgents(t.clients.fleet, { target: 'no_such_column = 1' }))).details).toMatch(/^target: PostgreSQL refused it: .*no_such_column.* does not exist/);
  });

  it('stops the running FETCH on the database when the reader cancels mid-stream', async () => {
    // The first 20 queues match at once; every later row costs a correlated count over the fleet.
    const target = `queueloc < 'linux.host00040' OR (SELECT count(*) FROM agents a1, agents a2 WHERE a1.id <> agents.id AND a2.pid > 0) < 0`;
    const reader = t.clients.fleet.expandTarget(expansionRequest({ target, batchSize: 10, identitiesOnly: true }))[Symbol.asyncIterator]();
    expect((await reader.next()).value.identities.ids).toHaveLength(10);
    const fetching = async () =>
      (await t.sql.query(`SELECT pid FROM pg_stat_activity WHERE application_name = 'mig-data-targets' AND state = 'active' AND query LIKE 'FETCH%'`)).rows.map((row) => row.pid as number);
    let pids: number[] = [];
    for (let attempt = 0; attempt < 200 && pids.length === 0; attempt++) {
      pids = await fetching();
      if (pids.length === 0) await new Promise((resolve) => setTimeout(resolve, 10));
    }
    expect(pids).toHaveLength(1);
    await reader.return!(undefined); // leaving the loop cancels the call
    const started = Date.now();
    while ((await fetching()).length > 0 && Date.now() - started < 1000) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(await fetching()).toEqual([]);
    const { rows } = await t.sql.query(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE pid = $1 AND state LIKE 'idle in transaction%'`, [pids[0]]);
    expect(rows[0].n).toBe(0);
  });

  it('waits for a reader that does not read, fetching no further, and ends the stream once it stalls past the limit', async () => {
    // A connection of its own, whose HTTP/2 windows the earlier tests did not widen; one agent per
    // message: thousands of messages, far more than grpc-js and HTTP/2 buffer between the two.
    const own = connectDataService(t.service.address);
    const call = own.fleet.expandTarget(expansionRequest({ target: 'true', withEnvironment: true, batchSize: 1 }))[Symbol.asyncIterator]();
    await call.next(); // then nothing is read for longer than MIG_DATA_STREAM_STALL_MS (1 s here)
    await new Promise((resolve) => setTimeout(resolve, 3000));
    const rest = (async () => {
      for (let next = await call.next(); !next.done; next = await call.next());
    })();
    const refused = (await rest.then(
      () => undefined,
      (error: ServiceError) => error,
    )) as ServiceError | undefined;
    // Had the service buffered the answer instead of waiting, the stream would have ended OK.
    expect(refused?.code).toBe(status.DEADLINE_EXCEEDED);
    expect(refused?.details).toContain('the caller read nothing for 1000 ms (MIG_DATA_STREAM_STALL_MS)');
    const { rows } = await t.sql.query(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = 'mig-data-targets' AND state LIKE 'idle in transaction%'`);
    expect(rows[0].n).toBe(0);
    own.close();
  });
});
