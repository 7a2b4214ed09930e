import { Server, ServerCredentials } from '@grpc/grpc-js';
import {
  ActionServiceService,
  AgentServiceService,
  CommandServiceService,
  FleetServiceService,
  InvestigatorServiceService,
  PermissionServiceService,
  SearchServiceService,
} from '@mig-data/contract';
import {
  ActionRepository,
  AgentRepository,
  AgentsStatsRepository,
  CommandRepository,
  FleetRepository,
  InvestigatorRepository,
  JobRunRepository,
  PermissionRepository,
  SearchRepository,
  SignatureRepository,
  TargetExpansionRepository,
  openMigratedDataSource,
  startEmbeddedPostgres,
  type EmbeddedPostgres,
} from '@mig-data/database';
import type { DataSource } from 'typeorm';
import { ActionSignatures } from './actions/action-signatures';
import { actionService } from './actions/action-service';
import { agentService } from './agents/agent-service';
import { HeartbeatCoalescer } from './agents/heartbeat-coalescer';
import { commandService } from './commands/command-service';
import { maskUrl, type ServiceConfig } from './config/service-config';
import { fleetService } from './fleet/fleet-service';
import { unaryHandlers, type UnaryMethods } from './grpc/unary';
import { investigatorService } from './investigators/investigator-service';
import { fleetJobs, startFleetJobs } from './jobs/fleet-jobs';
import type { Logger } from './logging/logger';
import { permissionService } from './permissions/permission-service';
import { searchService } from './search/search-service';

export interface RunningDataService {
  /** host:port actually listened on. */
  address: string;
  databaseUrl: string;
  dataSource: DataSource;
  /** Stops serving (letting calls in flight finish), closes the pool, stops the embedded PostgreSQL. */
  stop(): Promise<void>;
}

/** The database, embedded or given, migrated and connected. */
export async function openDatabase(config: ServiceConfig, logger: Logger): Promise<{ dataSource: DataSource; databaseUrl: string; embedded?: EmbeddedPostgres }> {
  let embedded: EmbeddedPostgres | undefined;
  let databaseUrl = config.databaseUrl;
  if (!databaseUrl) {
    logger.info('starting embedded PostgreSQL', { dataDir: config.dataDir });
    embedded = await startEmbeddedPostgres({
      dataDir: config.dataDir,
      port: config.embeddedPostgresPort,
      log: (message) => logger.debug('postgres', { message }),
    });
    databaseUrl = embedded.url;
  }
  try {
    const dataSource = await openMigratedDataSource(databaseUrl, { poolSize: config.databasePoolSize, applicationName: 'mig-data-service' });
    logger.info('database ready', { database: maskUrl(databaseUrl), embedded: Boolean(embedded) });
    return { dataSource, databaseUrl, embedded };
  } catch (error) {
    await embedded?.stop();
    throw error;
  }
}

/** Applies pending migrations and stops (`main.js --migrate-only`, the `db:migrate` target). */
export async function migrateOnly(config: ServiceConfig, logger: Logger): Promise<void> {
  const { dataSource, embedded } = await openDatabase(config, logger);
  await dataSource.destroy();
  await embedded?.stop();
}

/** Starts the whole service: database (embedded or given), migrations, then the gRPC server. */
export async function startDataService(config: ServiceConfig, logger: Logger, clock: () => Date = () => new Date()): Promise<RunningDataService> {
  const { dataSource, databaseUrl, embedded } = await openDatabase(config, logger);

  const agents = new AgentRepository(dataSource);
  const actions = new ActionRepository(dataSource);
  const commands = new CommandRepository(dataSource);
  const investigators = new InvestigatorRepository(dataSource);
  const fleet = new FleetRepository(dataSource);
  const agentsStats = new AgentsStatsRepository(dataSource);
  const jobRuns = new JobRunRepository(dataSource);
  const targets = new TargetExpansionRepository(dataSource, config.targetTimeoutMs);
  const signatures = new ActionSignatures(investigators, new SignatureRepository(dataSource));
  const coalescer = new HeartbeatCoalescer((heartbeats) => agents.recordHeartbeats(heartbeats));

  const server = new Server({
    'grpc.max_receive_message_length': config.maxMessageBytes,
    'grpc.max_send_message_length': config.maxMessageBytes,
  });
  const handlers = <Service>(name: string, methods: UnaryMethods<Service>) => unaryHandlers(`mig.data.v1.${name}`, methods, logger);
  server.addService(AgentServiceService, handlers('AgentService', agentService(agents, coalescer, clock)));
  server.addService(ActionServiceService, handlers('ActionService', actionService(dataSource, actions, clock, signatures)));
  server.addService(CommandServiceService, handlers('CommandService', commandService(commands, actions, agents, clock)));
  server.addService(InvestigatorServiceService, handlers('InvestigatorService', investigatorService(investigators, actions, signatures, clock)));
  server.addService(PermissionServiceService, handlers('PermissionService', permissionService(new PermissionRepository(dataSource), actions)));
  server.addService(FleetServiceService, handlers('FleetService', fleetService({ fleet, targets, stats: agentsStats }, clock)));
  server.addService(SearchServiceService, handlers('SearchService', searchService({ search: new SearchRepository(dataSource), actions, targets })));

  let port: number;
  try {
    port = await new Promise<number>((resolve, reject) =>
      server.bindAsync(config.listenAddress, ServerCredentials.createInsecure(), (error, boundPort) => (error ? reject(error) : resolve(boundPort))),
    );
  } catch (error) {
    await dataSource.destroy();
    await embedded?.stop();
    throw new Error(`cannot listen on ${config.listenAddress}: ${(error as Error).message}`);
  }
  const host = config.listenAddress.slice(0, config.listenAddress.lastIndexOf(':'));
  const address = `${host}:${port}`;
  logger.info('serving', { address });
  const jobs = startFleetJobs(fleetJobs(config, { fleet, stats: agentsStats, jobRuns }), jobRuns, logger, clock);

  let stopping: Promise<void> | undefined;
  const stop = async () => {
    await new Promise<void>((resolve) => {
      // Calls in flight get a few seconds to finish; then the rest are cancelled.
      const force = setTimeout(() => server.forceShutdown(), 5000);
      server.tryShutdown(() => {
        clearTimeout(force);
        resolve();
      });
    });
    await jobs.stop();
    await dataSource.destroy();
    await embedded?.stop();
    logger.info('stopped');
  };
  return { address, databaseUrl, dataSource, stop: () => (stopping ??= stop()) };
}
