import { Pool } from 'pg';
import { connectDataService, type DataServiceClients } from '@mig-data/client';
import { createTestDatabase, type TestDatabase } from '@mig-data/test-database';
import { readServiceConfig } from '../../src/config/service-config';
import { silentLogger, type Logger } from '../../src/logging/logger';
import { startDataService, type RunningDataService } from '../../src/start-data-service';

export interface TestService {
  clients: DataServiceClients;
  /** Direct SQL on the same database, to check what the service stored. */
  sql: Pool;
  service: RunningDataService;
  database: TestDatabase;
  stop(): Promise<void>;
}

/**
 * A real data service on a fresh database, listening on a free loopback port, with real gRPC clients.
 * The periodic fleet jobs are off (they would mark test agents idle mid-test) unless `env` sets them.
 */
export async function startTestService(clock?: () => Date, logger: Logger = silentLogger, env: Record<string, string> = {}): Promise<TestService> {
  const database = await createTestDatabase();
  const config = readServiceConfig({
    DATABASE_URL: database.url,
    MIG_DATA_LISTEN: '127.0.0.1:0',
    MIG_DATA_DB_POOL_SIZE: '5',
    MIG_DATA_AGENT_STATUS_JOB_INTERVAL_MS: '0',
    MIG_DATA_AGENTS_STATS_JOB_INTERVAL_MS: '0',
    ...env,
  });
  const service = await startDataService(config, logger, clock);
  const clients = connectDataService(service.address);
  const sql = new Pool({ connectionString: database.url, max: 2 });
  return {
    clients,
    sql,
    service,
    database,
    stop: async () => {
      clients.close();
      await sql.end();
      await service.stop();
      await database.drop();
    },
  };
}
