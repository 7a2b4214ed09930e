import { credentials, status, type ServiceError } from '@grpc/grpc-js';
import { AgentServiceClient, FleetServiceClient } from '@mig-data/contract';
import { JobRunRepository } from '@mig-data/database';
import { createLogger } from '../src/logging/logger';
import { startFleetJobs } from '../src/jobs/fleet-jobs';
import { grpcCode, heartbeat } from './support/fixtures';
import { blockedBackends, lockAgents } from './support/lock-blocking';
import { startTestService, type TestService } from './support/test-service';
import { expandedAgents, expansionRequest } from './support/expansion';

/**
 * Every piece of work has a time limit and an owner who can stop it: a call's database query ends
 * when its caller gives up or its deadline passes, queries and periodic jobs have their own limits,
 * and the service refuses calls past its cap rather than queueing them without end.
 */

/** Milliseconds until none of `pids` runs a query any more (gone, or idle), failing after `withinMs`. */
async function msUntilQueriesGone(t: TestService, pids: number[], withinMs: number): Promise<number> {
  const started = Date.now();
  while (Date.now() - started < withinMs) {
    const { rows } = await t.sql.query(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE pid = ANY($1::int[]) AND state = 'active'`, [pids]);
    if (rows[0].n === 0) return Date.now() - started;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`the queries of backends ${pids.join(', ')} still ran ${withinMs} ms later`);
}

describe('deadlines and cancellation reach the database', () => {
  let t: TestService;
  let agentId: number;
  let agents: AgentServiceClient;
  let fleet: FleetServiceClient;
  beforeAll(async () => {
    t = await startTestService(undefined, undefined, { MIG_DATA_TARGET_TIMEOUT_MS: '60000' });
    ({ agentId } = await t.clients.agents.recordHeartbeat({ heartbeat: heartbeat('deadline.example.net') }));
    agents = new AgentServiceClient(t.service.address, credentials.createInsecure());
    fleet = new FleetServiceClient(t.service.address, credentials.createInsecure());
  });
  afterAll(async () => {
    agents.close();
    fleet.close();
    await t.stop();
  });

  /**
   * Starts a unary call while agents are locked, so that its query waits on the server; cancels it
   * once the query is seen waiting, and expects the query gone within a second and the caller
   * answered CANCELLED.
   */
  async function cancelWhileItsQueryWaits(start: (answer: (error: ServiceError | null) => void) => { cancel(): void }): Promise<void> {
    const lock = await lockAgents(t);
    try {
      let answer!: (error: ServiceError | null) => void;
      const answered = new Promise<ServiceError | null>((resolve) => (answer = resolve));
      const call = start((error) => answer(error));
      const pids = await blockedBackends(t);
      call.cancel();
      expect(await msUntilQueriesGone(t, pids, 1000)).toBeLessThan(1000);
      expect((await answered)?.code).toBe(status.CANCELLED);
    } finally {
      await lock.release();
    }
  }

  it("cancels a call's query on the server when the caller cancels: gone from pg_stat_activity within a second", async () => {
    await cancelWhileItsQueryWaits((answer) => agents.getAgent({ id: agentId }, answer));
    // The service goes on serving with the connections it has left or opens anew.
    expect((await t.clients.agents.getAgent({ id: agentId })).agent!.id).toBe(agentId);
  });

  it("stops a call's query when its deadline passes", async () => {
    const lock = await lockAgents(t);
    try {
      const call = grpcCode(t.clients.agents.getAgent({ id: agentId }, { timeoutMs: 400 }));
      const pids = await blockedBackends(t);
      expect((await call).code).toBe(status.DEADLINE_EXCEEDED);
      expect(await msUntilQueriesGone(t, pids, 1000)).toBeLessThan(1000);
    } finally {
      await lock.release();
    }
  });

  it('cancels a fleet-wide read, run in a transaction of its own, when the caller gives up', async () => {
    await cancelWhileItsQueryWaits((answer) => fleet.listDoubleAgents({ window: undefined, pageSize: 0, pageToken: '' }, answer));
    expect((await t.clients.fleet.listDoubleAgents({ window: undefined, pageSize: 0, pageToken: '' })).doubleAgents).toEqual([]);
  });

  it('cancels a target expansion, on its own sandbox pool, when the caller gives up', async () => {
    const lock = await lockAgents(t);
    try {
      const call = fleet.expandTarget(expansionRequest({ target: `agents.name LIKE 'deadline%'` }));
      call.on('error', () => undefined); // CANCELLED, as asked
      const pids = await blockedBackends(t, 1, 'mig-data-targets');
      call.cancel();
      expect(await msUntilQueriesGone(t, pids, 1000)).toBeLessThan(1000);
    } finally {
      await lock.release();
    }
    const matched = await expandedAgents(t.clients.fleet, { target: `agents.name LIKE 'deadline%'` });
    expect(matched.map((agent) => agent.id)).toEqual([agentId]);
  });
});

describe('limits of the service', () => {
  let t: TestService;
  let agentId: number;
  beforeAll(async () => {
    t = await startTestService(undefined, undefined, { MIG_DATA_MAX_CALLS_IN_FLIGHT: '2', MIG_DATA_DB_STATEMENT_TIMEOUT_MS: '1500' });
    ({ agentId } = await t.clients.agents.recordHeartbeat({ heartbeat: heartbeat('cap.example.net') }));
  });
  afterAll(() => t.stop());

  it('refuses calls past MIG_DATA_MAX_CALLS_IN_FLIGHT with RESOURCE_EXHAUSTED at once, and serves again once calls end', async () => {
    const lock = await lockAgents(t);
    let blocked: Array<Promise<unknown>>;
    try {
      blocked = [t.clients.agents.getAgent({ id: agentId }), t.clients.agents.getAgent({ id: agentId })];
      await blockedBackends(t, 2);
      const started = Date.now();
      expect(await grpcCode(t.clients.agents.getAgent({ id: agentId }))).toEqual({ code: status.RESOURCE_EXHAUSTED, details: expect.stringMatching(/maximum of 2 calls.*MIG_DATA_MAX_CALLS_IN_FLIGHT.*retry/) });
      expect(Date.now() - started).toBeLessThan(500);
    } finally {
      await lock.release();
    }
    for (const call of blocked) expect(await call).toMatchObject({ agent: { id: agentId } });
    expect((await t.clients.agents.getAgent({ id: agentId })).agent!.id).toBe(agentId);
  });

  it('ends a fleet-wide read at the pool statement timeout too, though it runs in a transaction with settings of its own', async () => {
    const lock = await lockAgents(t);
    try {
      const started = Date.now();
      const failure = await grpcCode(t.clients.fleet.listMultiAgentQueues({ since: new Date(Date.now() - 600_000), pageSize: 0, pageToken: '' }));
      expect(failure).toEqual({ code: status.DEADLINE_EXCEEDED, details: expect.stringMatching(/MIG_DATA_DB_STATEMENT_TIMEOUT_MS/) });
      expect(Date.now() - started).toBeLessThan(3000);
    } finally {
      await lock.release();
    }
  });

  it('ends a query at the pool statement timeout with DEADLINE_EXCEEDED naming the setting', async () => {
    const lock = await lockAgents(t);
    try {
      const started = Date.now();
      const failure = await grpcCode(t.clients.agents.getAgent({ id: agentId }));
      expect(failure).toEqual({ code: status.DEADLINE_EXCEEDED, details: expect.stringMatching(/MIG_DATA_DB_STATEMENT_TIMEOUT_MS/) });
      expect(Date.now() - started).toBeLessThan(3000);
    } finally {
      await lock.release();
    }
  });
});

describe('periodic jobs have a time limit and stop at shutdown', () => {
  let t: TestService;
  beforeAll(async () => {
    t = await startTestService();
  });
  afterAll(() => t.stop());

  const sleepingJob = { name: 'sleeps', intervalMs: 86_400_000, run: async (manager: Parameters<Parameters<JobRunRepository['runOnce']>[2]>[0]) => (await manager.query('SELECT pg_sleep(60)'), 'slept') };

  async function sleepingBackend(): Promise<number> {
    for (let attempt = 0; attempt < 400; attempt++) {
      const { rows } = await t.sql.query(`SELECT pid FROM pg_stat_activity WHERE query = 'SELECT pg_sleep(60)' AND state = 'active'`);
      if (rows.length > 0) return rows[0].pid;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    throw new Error('the job never started its query');
  }

  it('cancels a run past its time limit, query and all, and logs why', async () => {
    const lines: string[] = [];
    const jobs = startFleetJobs([sleepingJob], new JobRunRepository(t.service.dataSource), createLogger('info', (line) => lines.push(line)), () => new Date(), 300);
    const pid = await sleepingBackend();
    expect(await msUntilQueriesGone(t, [pid], 1500)).toBeLessThan(1500);
    await jobs.stop();
    expect(lines.map((line) => JSON.parse(line))).toContainEqual(expect.objectContaining({ msg: 'fleet job cancelled', job: 'sleeps', reason: expect.stringMatching(/after 300 ms.*MIG_DATA_JOB_TIMEOUT_MS/) }));
  });

  it('cancels a run in progress when stopped instead of waiting for it', async () => {
    const jobs = startFleetJobs([{ ...sleepingJob, name: 'sleeps-at-stop' }], new JobRunRepository(t.service.dataSource), createLogger('error', () => undefined), () => new Date(), 600_000);
    const pid = await sleepingBackend();
    const started = Date.now();
    await jobs.stop();
    expect(Date.now() - started).toBeLessThan(1000);
    expect(await msUntilQueriesGone(t, [pid], 1000)).toBeLessThan(1000);
  });
});
