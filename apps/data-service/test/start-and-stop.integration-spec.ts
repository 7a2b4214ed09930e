import { createServer, type Server, type Socket } from 'node:net';
import { status } from '@grpc/grpc-js';
import { connectDataService } from '@mig-data/client';
import { createTestDatabase, type TestDatabase } from '@mig-data/test-database';
import { Pool } from 'pg';
import { startBuiltService, type Started } from './support/built-service';
import { heartbeat } from './support/fixtures';

/**
 * The built service through its real entry point: start-up against a PostgreSQL that never answers
 * ends with one clear line within the connect time limit, and SIGTERM drains calls in flight within
 * MIG_DATA_SHUTDOWN_GRACE_MS, then exits 0.
 */
function startService(env: Record<string, string>): Started {
  return startBuiltService({ MIG_DATA_LOG_LEVEL: 'error', ...env });
}

describe('start-up against a PostgreSQL that accepts connections but never answers', () => {
  let silent: Server;
  const sockets: Socket[] = [];
  afterAll(async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise((done) => silent.close(done));
  });

  it('ends within the connect time limit with one line saying what to check', async () => {
    silent = createServer((socket) => sockets.push(socket)); // accepts, reads, never says a word
    const port = await new Promise<number>((done) => silent.listen(0, '127.0.0.1', () => done((silent.address() as { port: number }).port)));
    const started = Date.now();
    const service = startService({ DATABASE_URL: `postgres://mig:secret@127.0.0.1:${port}/mig`, MIG_DATA_DB_ACQUIRE_TIMEOUT_MS: '1000' });
    const result = await service.finished;
    expect(result.code).toBe(1);
    expect(result.at - started).toBeLessThan(1000 + 4000); // the limit, plus Node's own start
    const lines = result.stderr.trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(new RegExp(`^mig-data service failed to start: PostgreSQL at 127.0.0.1:${port} accepted no session within 1000 ms \\(MIG_DATA_DB_ACQUIRE_TIMEOUT_MS\\)`));
    expect(lines[0]).not.toContain('secret');
  });
});

describe('SIGTERM with 100 calls in flight', () => {
  let database: TestDatabase;
  let sql: Pool;
  beforeAll(async () => {
    database = await createTestDatabase();
    sql = new Pool({ connectionString: database.url, max: 2 });
  });
  afterAll(async () => {
    await sql.end();
    await database.drop();
  });

  /** Starts the service, stores an agent, locks the agents table and puts 100 GetAgent calls in flight behind the lock. */
  async function hundredCallsInFlight(graceMs: number) {
    const service = startService({ DATABASE_URL: database.url, MIG_DATA_SHUTDOWN_GRACE_MS: String(graceMs), MIG_DATA_DB_POOL_SIZE: '10' });
    const clients = connectDataService(await service.listening);
    const { agentId } = await clients.agents.recordHeartbeat({ heartbeat: heartbeat(`drain-${graceMs}.example.net`) });
    const holder = await sql.connect();
    await holder.query('BEGIN');
    await holder.query('LOCK TABLE agents IN ACCESS EXCLUSIVE MODE');
    const calls = Array.from({ length: 100 }, () =>
      clients.agents.getAgent({ id: agentId }).then(
        (answer) => ({ code: status.OK, id: answer.agent?.id }),
        (error: { code: number }) => ({ code: error.code, id: undefined }),
      ),
    );
    for (let attempt = 0; ; attempt++) {
      const { rows } = await sql.query(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'mig-data-service' AND wait_event_type = 'Lock'`);
      if (rows[0].n >= 10) break; // the whole pool is blocked; the other 90 wait for a connection
      if (attempt > 500) throw new Error('the calls never reached the database');
      await new Promise((done) => setTimeout(done, 10));
    }
    const unlock = async () => {
      await holder.query('ROLLBACK');
      holder.release();
    };
    return { service, clients, agentId, calls, unlock };
  }

  it('lets calls that finish within the grace period answer, then exits 0', async () => {
    const { service, clients, agentId, calls, unlock } = await hundredCallsInFlight(10_000);
    const signalled = Date.now();
    service.child.kill('SIGTERM');
    await new Promise((done) => setTimeout(done, 300));
    await unlock();
    const outcomes = await Promise.all(calls);
    expect(outcomes).toEqual(Array.from({ length: 100 }, () => ({ code: status.OK, id: agentId })));
    const result = await service.finished;
    clients.close();
    expect(result.code).toBe(0);
    expect(result.at - signalled).toBeLessThan(5000);
  });

  it('past the grace period cancels the rest, their queries too, and still exits 0', async () => {
    const { service, clients, calls, unlock } = await hundredCallsInFlight(1000);
    const signalled = Date.now();
    service.child.kill('SIGTERM');
    try {
      const result = await service.finished;
      expect(result.code).toBe(0);
      expect(result.at - signalled).toBeLessThan(1000 + 3000);
      const outcomes = await Promise.all(calls);
      for (const outcome of outcomes) expect([status.CANCELLED, status.UNAVAILABLE]).toContain(outcome.code);
      const { rows } = await sql.query(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'mig-data-service'`);
      expect(rows[0].n).toBe(0);
    } finally {
      clients.close();
      await unlock();
    }
  });
});
