import { CONFIG_VARIABLES, ConfigError, readServiceConfig } from './config/service-config';
import { createLogger } from './logging/logger';
import { migrateOnly, startDataService } from './start-data-service';

const USAGE = `Usage: node apps/data-service/dist/main.js [--migrate-only] [--help]
Starts the MIG data service (gRPC); --migrate-only applies the schema migrations and exits.
Configuration comes from the environment:
${Object.entries(CONFIG_VARIABLES)
  .map(([name, meaning]) => `  ${name.padEnd(28)} ${meaning}`)
  .join('\n')}`;

async function main(): Promise<void> {
  if (process.argv.includes('--help')) {
    console.log(USAGE);
    return;
  }
  let config;
  try {
    config = readServiceConfig(process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(2);
    }
    throw error;
  }
  const logger = createLogger(config.logLevel);
  if (process.argv.includes('--migrate-only')) {
    await migrateOnly(config, logger);
    return;
  }
  const service = await startDataService(config, logger);

  const shutdown = (signal: string) => {
    logger.info('shutting down', { signal });
    service.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error('shutdown failed', { error: String(error) });
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', () => shutdown('SIGINT'));
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  // Said once the signals are handled: a caller that stops the service as soon as it reads this
  // line must not meet the default SIGINT action, which would leave the embedded postgres running.
  // Humans read this line; the JSON log above says the same for machines.
  console.error(`mig-data service listening on ${service.address} (Ctrl-C to stop)`);
}

main().catch((error: unknown) => {
  console.error(`mig-data service failed to start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
