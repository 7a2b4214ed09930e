import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { status } from '@grpc/grpc-js';
import { connectDataService, type DataServiceClients } from '@mig-data/client';
import { Client } from 'pg';
import { readServiceConfig } from '../src/config/service-config';
import { createLogger } from '../src/logging/logger';
import { startDataService, type RunningDataService } from '../src/start-data-service';
import { heartbeat } from './support/fixtures';
import { startPostgresProcess, type PostgresProcess } from './support/postgres-process';

/**
 * PostgreSQL stopped and started again under a heartbeat load, with the service left running:
 * calls during the outage fail UNAVAILABLE within a second, the service serves again by itself
 * once PostgreSQL is back, and every heartbeat it acknowledged is in the database afterwards.
 * Its own embedded PostgreSQL (not the shared test server), since this one gets stopped.
 */
interface Outcome {
  code: number;
  startedAt: number;
  endedAt: number;
  name: string;
  id?: number;
}

describe('a PostgreSQL restart in the middle of a heartbeat load', () => {
  let dataDir: string;
  let postgres: PostgresProcess;
  let service: RunningDataService;
  let clients: DataServiceClients;
  afterAll(async () => {
    clients?.close();
    await service?.stop();
    await postgres?.stop();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('answers UNAVAILABLE within a second during the outage, recovers without a restart, and loses no acknowledged heartbeat', async () => {
    const unexpected: string[] = [];
    dataDir = await mkdtemp(join(tmpdir(), 'mig-restart-pg-'));
    await chmod(dataDir, 0o755);
    postgres = await startPostgresProcess(dataDir);
    const port = Number(new URL(postgres.url).port);
    service = await startDataService(
      readServiceConfig({
        DATABASE_URL: postgres.url,
        MIG_DATA_LISTEN: '127.0.0.1:0',
        MIG_DATA_DB_POOL_SIZE: '4',
        MIG_DATA_DB_ACQUIRE_TIMEOUT_MS: '1000',
        MIG_DATA_AGENT_STATUS_JOB_INTERVAL_MS: '0',
        MIG_DATA_AGENTS_STATS_JOB_INTERVAL_MS: '0',
      }),
      createLogger('error', (line) => unexpected.push(line)),
    );
    clients = connectDataService(service.address, { timeoutMs: 5000 });

    const outcomes: Outcome[] = [];
    let loading = true;
    const worker = async (w: number) => {
      for (let i = 0; loading; i++) {
        const name = `load-${w}-${i}.example.net`;
        const startedAt = Date.now();
        try {
          const { agentId } = await clients.agents.recordHeartbeat({ heartbeat: heartbeat(name) });
          outcomes.push({ code: status.OK, startedAt, endedAt: Date.now(), name, id: agentId });
        } catch (error) {
          outcomes.push({ code: (error as { code: number }).code, startedAt, endedAt: Date.now(), name });
          await new Promise((done) => setTimeout(done, 20)); // a client backs off a little
        }
      }
    };
    const workers = Array.from({ length: 8 }, (_, w) => worker(w));
    const waitFor = async (what: string, predicate: () => boolean, withinMs: number) => {
      const started = Date.now();
      while (!predicate()) {
        if (Date.now() - started > withinMs) throw new Error(`${what} did not happen within ${withinMs} ms`);
        await new Promise((done) => setTimeout(done, 10));
      }
    };

    await waitFor('a first acknowledged heartbeat', () => outcomes.some((o) => o.code === status.OK), 5000);
    await new Promise((done) => setTimeout(done, 300));
    await postgres.stop();
    const downAt = Date.now();
    await new Promise((done) => setTimeout(done, 1500));
    const restartAt = Date.now();
    postgres = await startPostgresProcess(dataDir, port);
    const upAt = Date.now();
    await waitFor('an acknowledged heartbeat after the restart', () => outcomes.some((o) => o.code === status.OK && o.startedAt > upAt), 10_000);
    await new Promise((done) => setTimeout(done, 300));
    loading = false;
    await Promise.all(workers);

    const duringOutage = outcomes.filter((o) => o.startedAt >= downAt && o.endedAt <= restartAt);
    expect(duringOutage.length).toBeGreaterThan(8);
    for (const outcome of duringOutage) {
      expect(outcome.code).toBe(status.UNAVAILABLE);
      expect(outcome.endedAt - outcome.startedAt).toBeLessThan(1000);
    }
    // Around the stop and the start too: nothing but answers and UNAVAILABLE (no INTERNAL, no hang).
    expect(unexpected).toEqual([]);
    for (const outcome of outcomes) expect([status.OK, status.UNAVAILABLE]).toContain(outcome.code);

    const acknowledged = outcomes.filter((o) => o.code === status.OK);
    const sql = new Client({ connectionString: postgres.url });
    await sql.connect();
    try {
      const { rows } = await sql.query(`SELECT id, name FROM agents WHERE id = ANY($1::bigint[])`, [acknowledged.map((o) => o.id)]);
      const stored = new Map(rows.map((row) => [Number(row.id), row.name as string]));
      const lost = acknowledged.filter((o) => stored.get(o.id!) !== o.name);
      expect(lost).toEqual([]);
    } finally {
      await sql.end();
    }
  });
});
