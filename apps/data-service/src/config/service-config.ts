/**
 * The data service's whole configuration, read once at start-up from the environment. Every
 * problem is reported together; no other code reads process.env.
 */
export interface ServiceConfig {
  /** PostgreSQL to use; unset means: run the embedded one in `dataDir`. */
  databaseUrl?: string;
  /** Where the embedded PostgreSQL keeps its files. */
  dataDir: string;
  /** Port of the embedded PostgreSQL; 0 picks a free one. */
  embeddedPostgresPort: number;
  /** host:port the gRPC server listens on (port 0 picks a free one). */
  listenAddress: string;
  /** Connections in the database pool. */
  databasePoolSize: number;
  /** Largest gRPC message accepted or sent, in bytes (100,000 command refs need a few MB). */
  maxMessageBytes: number;
  logLevel: 'debug' | 'info' | 'warn' | 'error';
}

export const CONFIG_VARIABLES = {
  DATABASE_URL: 'postgres://user:password@host:port/database; unset: embedded PostgreSQL',
  MIG_DATA_DIR: 'directory of the embedded PostgreSQL (default .mig-data/postgres)',
  MIG_DATA_EMBEDDED_PG_PORT: 'port of the embedded PostgreSQL (default 0: any free port)',
  MIG_DATA_LISTEN: 'gRPC listen address host:port (default 127.0.0.1:50051)',
  MIG_DATA_DB_POOL_SIZE: 'database connections (default 10)',
  MIG_DATA_MAX_MESSAGE_BYTES: 'largest gRPC message in bytes (default 67108864)',
  MIG_DATA_LOG_LEVEL: 'debug, info, warn or error (default info)',
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

  const databaseUrl = env.DATABASE_URL || undefined;
  if (databaseUrl !== undefined && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
    problems.push(`DATABASE_URL: must start with postgres:// or postgresql:// (got "${maskUrl(databaseUrl)}")`);
  }
  const listenAddress = env.MIG_DATA_LISTEN || '127.0.0.1:50051';
  if (!/^(\[[0-9a-fA-F:]+\]|[^:\s]+):\d{1,5}$/.test(listenAddress)) {
    problems.push(`MIG_DATA_LISTEN="${listenAddress}": must be host:port, e.g. 127.0.0.1:50051`);
  }
  const logLevel = env.MIG_DATA_LOG_LEVEL || 'info';
  if (!['debug', 'info', 'warn', 'error'].includes(logLevel)) {
    problems.push(`MIG_DATA_LOG_LEVEL="${logLevel}": must be debug, info, warn or error`);
  }
  const config: ServiceConfig = {
    databaseUrl,
    dataDir: env.MIG_DATA_DIR || '.mig-data/postgres',
    embeddedPostgresPort: integer('MIG_DATA_EMBEDDED_PG_PORT', 0, 0, 65535),
    listenAddress,
    databasePoolSize: integer('MIG_DATA_DB_POOL_SIZE', 10, 1, 500),
    maxMessageBytes: integer('MIG_DATA_MAX_MESSAGE_BYTES', 64 * 1024 * 1024, 4 * 1024 * 1024, 1024 * 1024 * 1024),
    logLevel: logLevel as ServiceConfig['logLevel'],
  };
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}

/** A database URL fit for logs: the password replaced by ***. */
export function maskUrl(url: string): string {
  return url.replace(/(\/\/[^:/@]+:)[^@]*@/, '$1***@');
}
