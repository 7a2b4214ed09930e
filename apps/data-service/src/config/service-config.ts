import { DEFAULT_INPUT_LIMITS, type InputLimits } from '@mig-data/domain';
import { maxCreateCommandsAnswerBytes } from '../commands/create-commands-answer';

/**
 * The data service's whole configuration, read once at start-up from the environment. Every
 * problem is reported together; no other code reads process.env.
 */
export interface ServiceConfig {
  /** PostgreSQL to use; unset means: run the embedded one in `dataDir`. */
  databaseUrl?: string;
  /** Where targets are evaluated: a login role with nothing but SELECT on agents; unset: the role the migrations made. */
  targetDatabaseUrl?: string;
  /** Where the embedded PostgreSQL keeps its files. */
  dataDir: string;
  /** Port of the embedded PostgreSQL; 0 picks a free one. */
  embeddedPostgresPort: number;
  /** host:port the gRPC server listens on (port 0 picks a free one). */
  listenAddress: string;
  /** Connections in the database pool. */
  databasePoolSize: number;
  /** Longest wait for a database connection (pooled, or a new one being opened) before a call fails UNAVAILABLE or start-up gives up. */
  databaseAcquireTimeoutMs: number;
  /** PostgreSQL statement_timeout of every query of the service's pool. */
  databaseStatementTimeoutMs: number;
  /** Connections of the target sandbox pool (target expansions only). */
  targetPoolSize: number;
  /** Calls handled at once; past it a call is refused RESOURCE_EXHAUSTED at once. */
  maxCallsInFlight: number;
  /** Longest run of one periodic fleet job; then it is cancelled and its period retried. */
  jobTimeoutMs: number;
  /** On SIGTERM, how long calls in flight may take to finish before they are cancelled. */
  shutdownGraceMs: number;
  /** Largest gRPC message sent, in bytes (an answer of 100,000 command refs takes 1.6 MB at most). */
  maxMessageBytes: number;
  /** Largest gRPC request accepted, in bytes; a larger one is refused RESOURCE_EXHAUSTED before it is decoded. */
  maxRequestBytes: number;
  /** Caps on what one call may carry, checked before any work. */
  limits: InputLimits;
  logLevel: 'debug' | 'info' | 'warn' | 'error';
  /** Longest one statement of a target expansion (declaring its cursor, reading one batch) may run before it is cancelled. */
  targetTimeoutMs: number;
  /** How long a server stream (ExpandTarget) waits for a caller that reads nothing before it ends the stream DEADLINE_EXCEEDED. */
  streamStallMs: number;
  /** How often agents heartbeat; an online agent silent for 5 × this becomes idle. */
  agentHeartbeatFrequencyMs: number;
  /** An idle agent silent for this long becomes offline. */
  agentTimeoutMs: number;
  /** Period of the jobs marking agents idle and offline (0: never). */
  agentStatusJobIntervalMs: number;
  /** Period of the fleet statistics snapshot (0: never). */
  agentsStatsJobIntervalMs: number;
  /** Accept investigator keys MIG's Go agents cannot verify (anything but RSA v4). */
  allowNonRsaKeys: boolean;
  /** Server certificate and key (PEM files); with tlsClientCaFile, mutual TLS (access/transport.ts). */
  tlsCertFile?: string;
  tlsKeyFile?: string;
  tlsClientCaFile?: string;
  /** Listen on a non-loopback address without mutual TLS. */
  allowInsecureListen: boolean;
  /** Where the key that encrypts the scheduler's private key at rest comes from; unset: see scheduler-key-start-up.ts. */
  keyEncryptionKey?: { value: string; source: string } | { file: string };
  /** host:port of the Prometheus endpoint (GET /metrics); unset: no metrics, no port. */
  metricsListenAddress?: string;
  /** How often grpc.health.v1 probes the database, and how long one probe may take before it counts as unreachable. */
  healthProbeIntervalMs: number;
  healthProbeTimeoutMs: number;
}

export const CONFIG_VARIABLES = {
  DATABASE_URL: 'postgres://user:password@host:port/database; unset: embedded PostgreSQL',
  MIG_DATA_TARGET_DATABASE_URL:
    'postgres:// URL of the same database, logged in as a role with nothing but SELECT on agents and no role memberships, that targets run as; unset: the role the migrations created (needs a migrating user that may create roles)',
  MIG_DATA_DIR: 'directory of the embedded PostgreSQL (default .mig-data/postgres)',
  MIG_DATA_EMBEDDED_PG_PORT: 'port of the embedded PostgreSQL (default 0: any free port)',
  MIG_DATA_LISTEN: 'gRPC listen address host:port (default 127.0.0.1:50051)',
  MIG_DATA_DB_POOL_SIZE: 'database connections, at least 2 (default 10)',
  MIG_DATA_DB_ACQUIRE_TIMEOUT_MS: 'longest wait in ms for a database connection, pooled or being opened; then the call fails UNAVAILABLE, or start-up stops (default 10000)',
  MIG_DATA_DB_STATEMENT_TIMEOUT_MS: 'PostgreSQL statement_timeout in ms of every query of the service; past it the call fails DEADLINE_EXCEEDED (default 30000)',
  MIG_DATA_TARGET_POOL_SIZE: 'database connections kept for target expansions, apart from the main pool (default 4)',
  MIG_DATA_MAX_CALLS_IN_FLIGHT: 'calls handled at once; more fail RESOURCE_EXHAUSTED at once, to be retried (default 512)',
  MIG_DATA_JOB_TIMEOUT_MS: 'longest run in ms of one periodic fleet job; then it is cancelled and retried next tick (default 60000)',
  MIG_DATA_SHUTDOWN_GRACE_MS: 'on SIGTERM/SIGINT, ms that calls in flight get to finish before they are cancelled (default 10000)',
  MIG_DATA_MAX_MESSAGE_BYTES: 'largest gRPC answer sent in bytes (default 67108864)',
  MIG_DATA_MAX_REQUEST_BYTES: 'largest gRPC request accepted in bytes; larger ones fail RESOURCE_EXHAUSTED (default 16777216)',
  MIG_DATA_MAX_AGENT_JSON_BYTES: "largest environment, and largest tags, of one heartbeat in bytes of JSON (default 65536)",
  MIG_DATA_MAX_ACTION_JSON_BYTES: "largest parameters of one operation, and results of one command, in bytes of JSON (default 4194304)",
  MIG_DATA_MAX_HEARTBEATS_PER_CALL: 'most heartbeats in one RecordHeartbeats call (default 10000)',
  MIG_DATA_MAX_AGENT_IDS_PER_CALL: 'most agent ids in one CreateCommands or CheckActionPermissions call; its answer must fit MIG_DATA_MAX_MESSAGE_BYTES (default 100000)',
  MIG_DATA_LOG_LEVEL: 'debug, info, warn or error (default info)',
  MIG_DATA_TARGET_TIMEOUT_MS: 'time limit in ms of each statement of a target expansion: declaring its cursor, reading one batch (default 5000)',
  MIG_DATA_STREAM_STALL_MS: 'ms a streamed answer (ExpandTarget) waits for a caller that reads nothing; then the stream ends DEADLINE_EXCEEDED and its snapshot is released (default 60000)',
  MIG_DATA_AGENT_HEARTBEAT_FREQ_MS: "agents' heartbeat period in ms; silent 5 x this, online agents become idle (default 60000)",
  MIG_DATA_AGENT_TIMEOUT_MS: 'silent this long in ms, idle agents become offline (default 1200000)',
  MIG_DATA_AGENT_STATUS_JOB_INTERVAL_MS: 'period in ms of marking agents idle/offline, once across replicas; 0 disables (default 60000)',
  MIG_DATA_AGENTS_STATS_JOB_INTERVAL_MS: 'period in ms of the fleet statistics snapshot, once across replicas; 0 disables (default 300000)',
  MIG_DATA_ALLOW_NON_RSA_KEYS:
    "true: CreateInvestigator accepts keys other than RSA v4 (e.g. Ed25519), which MIG's Go agents cannot verify; only for fleets whose agents can (default false)",
  MIG_DATA_TLS_CERT: 'PEM file of the server certificate (chain); with MIG_DATA_TLS_KEY, the service speaks TLS',
  MIG_DATA_TLS_KEY: 'PEM file of the server private key',
  MIG_DATA_TLS_CLIENT_CA: "PEM file of the CA whose client certificates are accepted: mutual TLS, each caller's role (scheduler, api, readonly, admin) read from its certificate subject OU",
  MIG_DATA_ALLOW_INSECURE_LISTEN:
    'true: listen on a non-loopback MIG_DATA_LISTEN without mutual TLS, every caller getting every role; unset, such a start is refused (default false)',
  MIG_DATA_KEY_ENCRYPTION_KEY_FILE:
    "file holding 32 bytes in base64 or hex (openssl rand -base64 32) that encrypts the scheduler's private key at rest (AES-256-GCM); MIG's Go scheduler cannot read an encrypted key. Unset: the embedded PostgreSQL's data directory gets a generated one; with DATABASE_URL the key stays in clear",
  MIG_DATA_KEY_ENCRYPTION_KEY: 'the same key given in the environment instead of a file',
  MIG_DATA_METRICS_LISTEN: 'host:port of the Prometheus metrics endpoint, GET /metrics (e.g. 127.0.0.1:9464); unset: no metrics and no port (default unset)',
  MIG_DATA_HEALTH_INTERVAL_MS: 'period in ms of the database probe behind grpc.health.v1 (default 2000)',
  MIG_DATA_HEALTH_TIMEOUT_MS: 'a database probe slower than this in ms makes health NOT_SERVING (default 1000)',
} as const;

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
  }
}

export function readServiceConfig(env: NodeJS.ProcessEnv): ServiceConfig {
  const problems: string[] = [];
  const integer = (name: keyof typeof CONFIG_VARIABLES, fallback: number, min: number, max: number): number => {
    const raw = env[name];
    if (raw === undefined || raw === '') return fallback;
    const value = Number(raw);
    if (!Number.isInteger(value) || value < min || value > max) {
      problems.push(`${name}="${raw}": must be an integer from ${min} to ${max}`);
      return fallback;
    }
    return value;
  };
  const flag = (name: keyof typeof CONFIG_VARIABLES): boolean => {
    const raw = env[name];
    if (raw === undefined || raw === '' || raw === 'false') return false;
    if (raw === 'true') return true;
    problems.push(`${name}="${raw}": must be true or false`);
    return false;
  };

  const databaseUrl = env.DATABASE_URL || undefined;
  if (databaseUrl !== undefined && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
    problems.push(`DATABASE_URL: must start with postgres:// or postgresql:// (got "${maskUrl(databaseUrl)}")`);
  }
  const targetDatabaseUrl = env.MIG_DATA_TARGET_DATABASE_URL || undefined;
  if (targetDatabaseUrl !== undefined && !/^postgres(ql)?:\/\//.test(targetDatabaseUrl)) {
    problems.push(`MIG_DATA_TARGET_DATABASE_URL: must start with postgres:// or postgresql:// (got "${maskUrl(targetDatabaseUrl)}")`);
  }
  const listenAddress = env.MIG_DATA_LISTEN || '127.0.0.1:50051';
  if (!/^(\[[0-9a-fA-F:]+\]|[^:\s]+):\d{1,5}$/.test(listenAddress)) {
    problems.push(`MIG_DATA_LISTEN="${listenAddress}": must be host:port, e.g. 127.0.0.1:50051`);
  }
  const metricsListenAddress = env.MIG_DATA_METRICS_LISTEN || undefined;
  if (metricsListenAddress !== undefined && !/^(\[[0-9a-fA-F:]+\]|[^:\s]+):\d{1,5}$/.test(metricsListenAddress)) {
    problems.push(`MIG_DATA_METRICS_LISTEN="${metricsListenAddress}": must be host:port, e.g. 127.0.0.1:9464`);
  }
  const logLevel = env.MIG_DATA_LOG_LEVEL || 'info';
  if (!['debug', 'info', 'warn', 'error'].includes(logLevel)) {
    problems.push(`MIG_DATA_LOG_LEVEL="${logLevel}": must be debug, info, warn or error`);
  }
  const keyValue = env.MIG_DATA_KEY_ENCRYPTION_KEY || undefined;
  const keyFile = env.MIG_DATA_KEY_ENCRYPTION_KEY_FILE || undefined;
  if (keyValue && keyFile) problems.push('MIG_DATA_KEY_ENCRYPTION_KEY and MIG_DATA_KEY_ENCRYPTION_KEY_FILE: set one of them, not both');
  const config: ServiceConfig = {
    databaseUrl,
    targetDatabaseUrl,
    dataDir: env.MIG_DATA_DIR || '.mig-data/postgres',
    embeddedPostgresPort: integer('MIG_DATA_EMBEDDED_PG_PORT', 0, 0, 65535),
    listenAddress,
    // Two at least: migrations hold one connection for their lock while they run on another.
    databasePoolSize: integer('MIG_DATA_DB_POOL_SIZE', 10, 2, 500),
    databaseAcquireTimeoutMs: integer('MIG_DATA_DB_ACQUIRE_TIMEOUT_MS', 10_000, 50, 600_000),
    databaseStatementTimeoutMs: integer('MIG_DATA_DB_STATEMENT_TIMEOUT_MS', 30_000, 100, 86_400_000),
    targetPoolSize: integer('MIG_DATA_TARGET_POOL_SIZE', 4, 1, 100),
    maxCallsInFlight: integer('MIG_DATA_MAX_CALLS_IN_FLIGHT', 512, 1, 1_000_000),
    jobTimeoutMs: integer('MIG_DATA_JOB_TIMEOUT_MS', 60_000, 100, 86_400_000),
    shutdownGraceMs: integer('MIG_DATA_SHUTDOWN_GRACE_MS', 10_000, 0, 600_000),
    maxMessageBytes: integer('MIG_DATA_MAX_MESSAGE_BYTES', 64 * 1024 * 1024, 4 * 1024 * 1024, 1024 * 1024 * 1024),
    maxRequestBytes: integer('MIG_DATA_MAX_REQUEST_BYTES', 16 * 1024 * 1024, 64 * 1024, 1024 * 1024 * 1024),
    limits: {
      maxAgentJsonBytes: integer('MIG_DATA_MAX_AGENT_JSON_BYTES', DEFAULT_INPUT_LIMITS.maxAgentJsonBytes, 1024, 64 * 1024 * 1024),
      maxActionJsonBytes: integer('MIG_DATA_MAX_ACTION_JSON_BYTES', DEFAULT_INPUT_LIMITS.maxActionJsonBytes, 1024, 512 * 1024 * 1024),
      maxHeartbeatsPerCall: integer('MIG_DATA_MAX_HEARTBEATS_PER_CALL', DEFAULT_INPUT_LIMITS.maxHeartbeatsPerCall, 1, 1_000_000),
      maxAgentIdsPerCall: integer('MIG_DATA_MAX_AGENT_IDS_PER_CALL', DEFAULT_INPUT_LIMITS.maxAgentIdsPerCall, 1, 10_000_000),
    },
    logLevel: logLevel as ServiceConfig['logLevel'],
    targetTimeoutMs: integer('MIG_DATA_TARGET_TIMEOUT_MS', 5000, 10, 600_000),
    streamStallMs: integer('MIG_DATA_STREAM_STALL_MS', 60_000, 10, 3_600_000),
    agentHeartbeatFrequencyMs: integer('MIG_DATA_AGENT_HEARTBEAT_FREQ_MS', 60_000, 1000, 86_400_000),
    agentTimeoutMs: integer('MIG_DATA_AGENT_TIMEOUT_MS', 1_200_000, 1000, 30 * 86_400_000),
    agentStatusJobIntervalMs: integer('MIG_DATA_AGENT_STATUS_JOB_INTERVAL_MS', 60_000, 0, 86_400_000),
    agentsStatsJobIntervalMs: integer('MIG_DATA_AGENTS_STATS_JOB_INTERVAL_MS', 300_000, 0, 86_400_000),
    allowNonRsaKeys: flag('MIG_DATA_ALLOW_NON_RSA_KEYS'),
    tlsCertFile: env.MIG_DATA_TLS_CERT || undefined,
    tlsKeyFile: env.MIG_DATA_TLS_KEY || undefined,
    tlsClientCaFile: env.MIG_DATA_TLS_CLIENT_CA || undefined,
    allowInsecureListen: flag('MIG_DATA_ALLOW_INSECURE_LISTEN'),
    keyEncryptionKey: keyFile ? { file: keyFile } : keyValue ? { value: keyValue, source: 'MIG_DATA_KEY_ENCRYPTION_KEY' } : undefined,
    metricsListenAddress,
    healthProbeIntervalMs: integer('MIG_DATA_HEALTH_INTERVAL_MS', 2000, 50, 600_000),
    healthProbeTimeoutMs: integer('MIG_DATA_HEALTH_TIMEOUT_MS', 1000, 50, 60_000),
  };
  if ((config.tlsCertFile === undefined) !== (config.tlsKeyFile === undefined) || (config.tlsClientCaFile !== undefined && config.tlsCertFile === undefined)) {
    problems.push('MIG_DATA_TLS_CERT and MIG_DATA_TLS_KEY go together, and MIG_DATA_TLS_CLIENT_CA needs both');
  }
  const answerBytes = maxCreateCommandsAnswerBytes(config.limits.maxAgentIdsPerCall);
  if (answerBytes > config.maxMessageBytes) {
    problems.push(
      `MIG_DATA_MAX_AGENT_IDS_PER_CALL=${config.limits.maxAgentIdsPerCall}: a CreateCommands answer for that many agents can take ${answerBytes} bytes, ` +
        `more than MIG_DATA_MAX_MESSAGE_BYTES=${config.maxMessageBytes}; lower the first or raise the second`,
    );
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}

/** A database URL fit for logs: the password replaced by ***. */
export function maskUrl(url: string): string {
  return url.replace(/(\/\/[^:/@]+:)[^@]*@/, '$1***@');
}
