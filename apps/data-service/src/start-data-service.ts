import { Server, type ServiceDefinition } from '@grpc/grpc-js';
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
  DataDirectoryUnreachableError,
  TargetSandbox,
  openMigratedDataSource,
  startEmbeddedPostgres,
  type EmbeddedPostgres,
  type Database,
} from '@mig-data/database';
import { serverTransport } from './access/transport';
import { ActionSignatures } from './actions/action-signatures';
import { actionService } from './actions/action-service';
import { agentService } from './agents/agent-service';
import { HeartbeatCoalescer } from './agents/heartbeat-coalescer';
import { commandService } from './commands/command-service';
import { maskUrl, type ServiceConfig } from './config/service-config';
import { fleetService } from './fleet/fleet-service';
import { CallGate } from './grpc/call-limits';
import { atMostRepeated, guardDecoding, type BytesCheck } from './grpc/decode-guard';
import { rpcHandlers, type RpcMethods } from './grpc/rpc-handlers';
import { investigatorService } from './investigators/investigator-service';
import { loadSchedulerKeyAtRest, secureStoredSchedulerKey } from './investigators/scheduler-key-start-up';
import { fleetJobs, startFleetJobs } from './jobs/fleet-jobs';
import type { Logger } from './logging/logger';
import { createObservability } from './observability/observability';
import { permissionService } from './permissions/permission-service';
import { searchService } from './search/search-service';

export interface RunningDataService {
  /** host:port actually listened on. */
  address: string;
  databaseUrl: string;
  dataSource: Database;
  /** The connections targets are evaluated on (logged in as the sandbox role). */
  targetSandbox: TargetSandbox;
  /** host:port of the Prometheus endpoint; undefined when MIG_DATA_METRICS_LISTEN is unset. */
  metricsAddress?: string;
  /** Stops serving (letting calls in flight finish), closes the pool, stops the embedded PostgreSQL. */
  stop(): Promise<void>;
}

/** The database, embedded or given, migrated and connected. */
export async function openDatabase(config: ServiceConfig, logger: Logger): Promise<{ dataSource: Database; databaseUrl: string; embedded?: EmbeddedPostgres }> {
  let embedded: EmbeddedPostgres | undefined;
  let databaseUrl = config.databaseUrl;
  if (!databaseUrl) {
    logger.info('starting embedded PostgreSQL', { dataDir: config.dataDir });
    try {
      embedded = await startEmbeddedPostgres({
        dataDir: config.dataDir,
        port: config.embeddedPostgresPort,
        log: (message) => logger.debug('postgres', { message }),
        notice: (message) => logger.warn(message),
      });
    } catch (error) {
      if (!(error instanceof DataDirectoryUnreachableError)) throw error;
      throw new Error(`${error.reason}; set MIG_DATA_DIR to a directory that user can reach (e.g. MIG_DATA_DIR=/var/lib/mig-data), run as a non-root user, or set DATABASE_URL`);
    }
    databaseUrl = embedded.url;
  }
  try {
    const dataSource = await openMigratedDataSource(databaseUrl, {
      poolSize: config.databasePoolSize,
      applicationName: 'mig-data-service',
      acquireTimeoutMs: config.databaseAcquireTimeoutMs,
      statementTimeoutMs: config.databaseStatementTimeoutMs,
      log: (msg, fields) => logger.info(msg, fields),
    }).catch((error: unknown) => {
      throw new Error(unreachableDatabase(error, databaseUrl!, config) ?? (error instanceof Error ? error.message : String(error)), { cause: error });
    });
    logger.info('database ready', { database: maskUrl(databaseUrl), embedded: Boolean(embedded) });
    return { dataSource, databaseUrl, embedded };
  } catch (error) {
    await embedded?.stop();
    throw error;
  }
}

/** A start-up line that says what to check when PostgreSQL cannot be reached or does not answer. */
function unreachableDatabase(error: unknown, databaseUrl: string, config: ServiceConfig): string | undefined {
  const message = error instanceof Error ? error.message : String(error);
  const { hostname: host, port } = new URL(databaseUrl);
  if (/timeout/i.test(message)) {
    return `PostgreSQL at ${host}:${port || 5432} accepted no session within ${config.databaseAcquireTimeoutMs} ms (MIG_DATA_DB_ACQUIRE_TIMEOUT_MS): is it PostgreSQL, up, and not overloaded? (${message})`;
  }
  const code = (error as { code?: unknown }).code;
  if (code === 'ECONNREFUSED' || code === 'EHOSTUNREACH' || code === 'ENOTFOUND') {
    return `PostgreSQL at ${host}:${port || 5432} cannot be reached (${code}): check DATABASE_URL and that the server is up`;
  }
  return undefined;
}

/** Applies pending migrations and stops (`main.js --migrate-only`, the `db:migrate` target). */
export async function migrateOnly(config: ServiceConfig, logger: Logger): Promise<void> {
  const { dataSource, embedded } = await openDatabase(config, logger);
  await dataSource.destroy();
  await embedded?.stop();
}

/** Starts the whole service: database (embedded or given), migrations, then the gRPC server. */
export async function startDataService(config: ServiceConfig, logger: Logger, clock: () => Date = () => new Date()): Promise<RunningDataService> {
  // Before the database: a refused listen address or an unreadable certificate is said at once.
  const transport = serverTransport(config);
  const { dataSource, databaseUrl, embedded } = await openDatabase(config, logger);

  const agents = new AgentRepository(dataSource);
  const actions = new ActionRepository(dataSource);
  const commands = new CommandRepository(dataSource);
  const investigators = new InvestigatorRepository(dataSource);
  let schedulerKeyAtRest;
  try {
    schedulerKeyAtRest = await loadSchedulerKeyAtRest(config, Boolean(embedded));
    await secureStoredSchedulerKey(investigators, schedulerKeyAtRest, logger);
  } catch (error) {
    await dataSource.destroy();
    await embedded?.stop();
    throw error;
  }
  const fleet = new FleetRepository(dataSource);
  const agentsStats = new AgentsStatsRepository(dataSource);
  const jobRuns = new JobRunRepository(dataSource);
  // Target expansions are rarer than the rest: a few connections of their own are enough.
  const targetSandbox = new TargetSandbox({
    dataSource,
    databaseUrl,
    explicitUrl: config.targetDatabaseUrl,
    poolSize: config.targetPoolSize,
    acquireTimeoutMs: config.databaseAcquireTimeoutMs,
  });
  const targets = new TargetExpansionRepository(targetSandbox, config.targetTimeoutMs);
  const signatures = new ActionSignatures(investigators, new SignatureRepository(dataSource));
  const observability = createObservability(config, { url: databaseUrl, dataSource, targetSandbox }, logger);
  const coalescer = new HeartbeatCoalescer((heartbeats) => {
    observability.heartbeatBatch(heartbeats.length);
    return agents.recordHeartbeats(heartbeats);
  });

  // A request over maxRequestBytes is refused RESOURCE_EXHAUSTED by grpc-js before it is decoded.
  const server = new Server({
    'grpc.max_receive_message_length': config.maxRequestBytes,
    'grpc.max_send_message_length': config.maxMessageBytes,
  });
  const limits = config.limits;
  const gate = new CallGate(config.maxCallsInFlight);
  const serve = <Service, Definition extends ServiceDefinition>(definition: Definition, name: string, methods: RpcMethods<Service>, checks: Partial<Record<keyof Definition, BytesCheck>> = {}) =>
    server.addService(guardDecoding(definition, checks), rpcHandlers(`mig.data.v1.${name}`, definition, methods, {
      logger,
      identification: transport.identification,
      gate,
      observers: observability.callObservers,
      streamStallMs: config.streamStallMs,
    }));
  // Lists over their cap are refused from the bytes, before decoding (field numbers from the protos).
  const agentIdsCap = atMostRepeated(2, 'varints', limits.maxAgentIdsPerCall, 'agent_ids', 'agent ids');
  serve(AgentServiceService, 'AgentService', agentService(agents, coalescer, clock, limits), {
    recordHeartbeats: atMostRepeated(1, 'messages', limits.maxHeartbeatsPerCall, 'heartbeats', 'heartbeats'),
  });
  serve(ActionServiceService, 'ActionService', actionService(dataSource, actions, clock, signatures, limits));
  serve(CommandServiceService, 'CommandService', commandService(commands, actions, agents, clock, limits), { createCommands: agentIdsCap });
  serve(InvestigatorServiceService, 'InvestigatorService', investigatorService(investigators, actions, signatures, clock, { allowNonRsaKeys: config.allowNonRsaKeys, schedulerKeyAtRest }));
  serve(PermissionServiceService, 'PermissionService', permissionService(new PermissionRepository(dataSource), actions, limits), { checkActionPermissions: agentIdsCap });
  serve(FleetServiceService, 'FleetService', fleetService({ fleet, targets, stats: agentsStats }, clock, config.maxMessageBytes));
  serve(SearchServiceService, 'SearchService', searchService({ search: new SearchRepository(dataSource), actions, targets }));
  observability.addToServer(server, ['Agent', 'Action', 'Command', 'Investigator', 'Permission', 'Fleet', 'Search'].map((name) => `mig.data.v1.${name}Service`));

  let port: number;
  let metricsAddress: string | undefined;
  try {
    port = await new Promise<number>((resolve, reject) =>
      server.bindAsync(config.listenAddress, transport.credentials, (error, boundPort) => (error ? reject(error) : resolve(boundPort))),
    );
    metricsAddress = await observability.start();
  } catch (error) {
    server.forceShutdown();
    await observability.stop();
    await targetSandbox.close();
    await dataSource.destroy();
    await embedded?.stop();
    throw new Error(`cannot listen on ${config.listenAddress}${config.metricsListenAddress ? ` or ${config.metricsListenAddress}` : ''}: ${(error as Error).message}`);
  }
  const host = config.listenAddress.slice(0, config.listenAddress.lastIndexOf(':'));
  const address = `${host}:${port}`;
  logger.info('serving', { address, transport: transport.description });
  if (transport.identification === 'none') logger.warn(`callers are not identified (${transport.description}); mutual TLS: MIG_DATA_TLS_CERT, MIG_DATA_TLS_KEY, MIG_DATA_TLS_CLIENT_CA`);
  // Said at start rather than at the first target: the operator is watching now.
  targetSandbox.connect().then(
    (client) => client.release(),
    (error: unknown) => logger.warn('targets cannot be expanded', { reason: error instanceof Error ? error.message : String(error) }),
  );
  const jobs = startFleetJobs(fleetJobs(config, { fleet, stats: agentsStats, jobRuns }), jobRuns, logger, clock, config.jobTimeoutMs, observability.fleetJobs);

  let stopping: Promise<void> | undefined;
  const stop = async () => {
    await observability.stop();
    const drained = new Promise<void>((resolve) => {
      // Calls in flight get the grace period to finish; then the rest are cancelled (and their queries with them).
      const force = setTimeout(() => server.forceShutdown(), config.shutdownGraceMs);
      server.tryShutdown(() => {
        clearTimeout(force);
        resolve();
      });
    });
    // A job run in progress is cancelled rather than waited for: its period stays open for the next start.
    await Promise.all([drained, jobs.stop()]);
    await targetSandbox.close();
    await dataSource.destroy();
    await embedded?.stop();
    logger.info('stopped');
  };
  return { address, databaseUrl, dataSource, targetSandbox, metricsAddress, stop: () => (stopping ??= stop()) };
}
