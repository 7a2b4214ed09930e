import { parseArgs } from 'node:util';
import { loadCommands, loadFleet, PRODUCTION_LIKE, ProgressDisplay, productionLikeFleet } from '@mig-data/database';
import { ConfigError, readServiceConfig } from './config/service-config';
import { createLogger } from './logging/logger';
import { openDatabase } from './start-data-service';

const USAGE = `Usage: node apps/data-service/dist/load-fleet.js [--agents N] [--endpoints N] [--days D] [--commands N]
   or: npx nx run data-service:load-fleet -- --agents 21000000 --commands 20000000
Appends a generated MIG fleet (libs/database loadFleet) and, with --commands, finished commands of
past actions (loadCommands) to the database the service would use (DATABASE_URL, else the embedded
PostgreSQL in MIG_DATA_DIR), migrating it first. Progress goes to stderr (a bar on a terminal, a
line every 10 % otherwise). The load runs without the service's statement timeout
(MIG_DATA_DB_STATEMENT_TIMEOUT_MS): at production size one statement writes a million rows.
  --agents N      agent rows in all (default 1000000; MIG's production size: 21000000)
  --endpoints N   distinct endpoints (default: agents / ${PRODUCTION_LIKE.minAgentsPerEndpoint}, at most ${PRODUCTION_LIKE.maxEndpoints}, as MIG's production fleet)
  --days D        history in days (default ${PRODUCTION_LIKE.days}, as MIG's production database)
  --commands N    finished commands of past actions of 100,000 agents each (default 0; MIG's production size: 20000000)`;

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: { agents: { type: 'string', default: '1000000' }, endpoints: { type: 'string' }, days: { type: 'string' }, commands: { type: 'string', default: '0' }, help: { type: 'boolean' } },
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const agents = Number(values.agents);
  const shape = productionLikeFleet(agents);
  const endpoints = values.endpoints === undefined ? shape.endpoints : Number(values.endpoints);
  const days = values.days === undefined ? shape.days : Number(values.days);
  const commands = Number(values.commands);
  if (!Number.isInteger(agents) || !Number.isInteger(endpoints) || agents < endpoints || endpoints < 1 || !(days > 0)) {
    console.error(`--agents and --endpoints must be positive integers with at least one agent per endpoint, --days positive\n${USAGE}`);
    return 2;
  }
  if (!Number.isInteger(commands) || commands < 0) {
    console.error(`--commands must be a non-negative integer\n${USAGE}`);
    return 2;
  }
  const config = readServiceConfig(process.env);
  const logger = createLogger(config.logLevel);
  const { dataSource, embedded } = await openDatabase(config, logger);
  try {
    const agentsShown = new ProgressDisplay('loading agents', agents);
    const fleet = await loadFleet(dataSource, { endpoints, agents, days, onProgress: (loaded) => agentsShown.update(loaded.agents) });
    agentsShown.finish();
    logger.info('fleet loaded', { ...fleet });
    if (commands > 0) {
      const commandsShown = new ProgressDisplay('loading commands', commands);
      const loaded = await loadCommands(dataSource, { commands, onProgress: (progress) => commandsShown.update(progress.commands) });
      commandsShown.finish();
      logger.info('commands loaded', { ...loaded });
    }
    console.error(`loaded ${fleet.agents} agents on ${fleet.endpoints} endpoints in ${(fleet.elapsedMs / 1000).toFixed(1)} s${commands > 0 ? `, and ${commands} commands` : ''}`);
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
