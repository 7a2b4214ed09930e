import { parseArgs } from 'node:util';
import { loadFleet, PRODUCTION_LIKE, productionLikeFleet } from '@mig-data/database';
import { ConfigError, readServiceConfig } from './config/service-config';
import { createLogger } from './logging/logger';
import { openDatabase } from './start-data-service';

const USAGE = `Usage: node apps/data-service/dist/load-fleet.js [--agents N] [--endpoints N] [--days D]
   or: npx nx run data-service:load-fleet -- --agents 1000000
Appends a generated MIG fleet (libs/database loadFleet) to the database the service would use
(DATABASE_URL, else the embedded PostgreSQL in MIG_DATA_DIR), migrating it first.
  --agents N      agent rows in all (default 1000000; MIG's production size: 21000000)
  --endpoints N   distinct endpoints (default: agents / 10, at most ${PRODUCTION_LIKE.maxEndpoints}, as MIG's production fleet)
  --days D        history in days (default ${PRODUCTION_LIKE.days}, as MIG's production database)`;

async function main(): Promise<number> {
  const { values } = parseArgs({ options: { agents: { type: 'string', default: '1000000' }, endpoints: { type: 'string' }, days: { type: 'string' }, help: { type: 'boolean' } } });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const agents = Number(values.agents);
  const shape = productionLikeFleet(agents);
  const endpoints = values.endpoints === undefined ? shape.endpoints : Number(values.endpoints);
  const days = values.days === undefined ? shape.days : Number(values.days);
  if (!Number.isInteger(agents) || !Number.isInteger(endpoints) || agents < endpoints || endpoints < 1 || !(days > 0)) {
    console.error(`--agents and --endpoints must be positive integers with at least one agent per endpoint, --days positive\n${USAGE}`);
    return 2;
  }
  const config = readServiceConfig(process.env);
  const logger = createLogger(config.logLevel);
  const { dataSource, embedded } = await openDatabase(config, logger);
  try {
    const loaded = await loadFleet(dataSource, { endpoints, agents, days, onProgress: (progress) => logger.info('loading fleet', progress) });
    logger.info('fleet loaded', { ...loaded });
    console.error(`loaded ${loaded.agents} agents on ${loaded.endpoints} endpoints in ${(loaded.elapsedMs / 1000).toFixed(1)} s`);
    return 0;
  } finally {
    await dataSource.destroy();
    await embedded?.stop();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof ConfigError ? error.message : `load-fleet failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
