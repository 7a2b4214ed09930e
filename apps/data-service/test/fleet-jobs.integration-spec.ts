import { readServiceConfig } from '../src/config/service-config';
import { silentLogger } from '../src/logging/logger';
import { startDataService, type RunningDataService } from '../src/start-data-service';
import { heartbeat } from './support/fixtures';
import { startTestService, type TestService } from './support/test-service';

const JOB_ENV = { MIG_DATA_AGENTS_STATS_JOB_INTERVAL_MS: '1000', MIG_DATA_AGENT_STATUS_JOB_INTERVAL_MS: '1000' };

describe('periodic fleet jobs with two replicas on one database', () => {
  let t: TestService;
  let second: RunningDataService;
  beforeAll(async () => {
    t = await startTestService(undefined, undefined, JOB_ENV);
    const minutesAgo = (minutes: number) => new Date(Date.now() - minutes * 60_000);
    await t.clients.agents.recordHeartbeats({
      heartbeats: [
        heartbeat('fresh.example.net', { heartbeatts: minutesAgo(1) }),
        heartbeat('quiet.example.net', { heartbeatts: minutesAgo(10) }),
        heartbeat('gone.example.net', { heartbeatts: minutesAgo(30) }),
      ],
    });
    second = await startDataService(readServiceConfig({ DATABASE_URL: t.database.url, MIG_DATA_LISTEN: '127.0.0.1:0', MIG_DATA_DB_POOL_SIZE: '3', ...JOB_ENV }), silentLogger);
    await new Promise((resolve) => setTimeout(resolve, 4500));
    await second.stop();
  });
  afterAll(() => t.stop());

  it('stores exactly one statistics snapshot per period, whichever replica takes it', async () => {
    const { rows } = await t.sql.query(
      `SELECT floor(extract(epoch FROM timestamp))::bigint AS period, count(*)::int AS snapshots FROM agents_stats GROUP BY 1 ORDER BY 1`,
    );
    expect(rows.length).toBeGreaterThanOrEqual(4);
    expect(rows.filter((row) => row.snapshots !== 1)).toEqual([]);
    const { rows: runs } = await t.sql.query(`SELECT count(*)::int AS n FROM mig_data_job_runs WHERE job = 'agents-stats' AND finished_at IS NOT NULL`);
    const { rows: snapshots } = await t.sql.query(`SELECT count(*)::int AS n FROM agents_stats`);
    expect(snapshots[0].n).toBe(runs[0].n);
  });

  it('marks silent agents idle after 5 heartbeats missed and offline after the agent timeout', async () => {
    const { rows } = await t.sql.query(`SELECT name, status FROM agents ORDER BY name`);
    expect(rows).toEqual([
      { name: 'fresh.example.net', status: 'online' },
      { name: 'gone.example.net', status: 'offline' },
      { name: 'quiet.example.net', status: 'idle' },
    ]);
  });
});
