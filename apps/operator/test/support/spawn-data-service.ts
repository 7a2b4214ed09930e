import { join } from 'node:path';
import { spawnDataServiceProcess, type DataServiceChild } from '@mig-data/test-database';

export type SpawnedDataService = DataServiceChild;

/** Settings that turn the periodic fleet jobs off: statuses and statistics then change only when a test changes them. */
export const FLEET_JOBS_OFF = { MIG_DATA_AGENT_STATUS_JOB_INTERVAL_MS: '0', MIG_DATA_AGENTS_STATS_JOB_INTERVAL_MS: '0' };

const MAIN = join(__dirname, '../../../data-service/dist/main.js');

/** The built data service (`nx run data-service:build`) on a fresh test database: mig-operator is tested against the real thing. */
export function spawnDataService(env: Record<string, string> = {}): Promise<SpawnedDataService> {
  return spawnDataServiceProcess(MAIN, env);
}
