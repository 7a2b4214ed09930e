import { DataSource } from 'typeorm';
import { ActionEntity } from './entities/action.entity';
import { AgentEntity } from './entities/agent.entity';
import { CommandEntity } from './entities/command.entity';
import { InvestigatorEntity } from './entities/investigator.entity';
import { ADVISORY_LOCKS } from './advisory-locks';
import { MIG_MIGRATIONS } from './migrations';
import { adoptMigDatabaseIfCreatedByMig, type AdoptionLog } from './adoption/adopt-mig-database';
import { MIG_PG_TYPES } from './pg-type-parsers';
import { CancellableClient } from './query-cancellation';
import { IDLE_CONNECTION_KEEP_MS } from './idle-connections';

const MIGRATIONS_TABLE = 'mig_data_migrations';

export interface MigDataSourceOptions {
  /** Connections in the pool (default 10). */
  poolSize?: number;
  /** Name shown in pg_stat_activity. */
  applicationName?: string;
  /**
   * Longest wait for a connection, new or from the pool, in ms (default 10 s). Past it the call
   * fails as unavailable instead of queueing until its caller's deadline (node-postgres's default
   * is to wait forever).
   */
  acquireTimeoutMs?: number;
  /**
   * PostgreSQL's statement_timeout for every query of this pool, in ms (default: none). Migrations
   * run without it, on connections of their own: adopting a large MIG database takes longer.
   */
  statementTimeoutMs?: number;
  /** Where adopting a MIG-created database logs its steps (default: one JSON line each on stdout). */
  log?: AdoptionLog;
}

/**
 * The one way to reach MIG's database. The schema comes from the migrations only
 * (`synchronize` stays off), recorded in their own table so that an existing MIG database
 * can be adopted without clashing with anything it already has.
 */
export function createMigDataSource(url: string, options: MigDataSourceOptions = {}): DataSource {
  return new DataSource({
    type: 'postgres',
    url,
    entities: [
      ActionEntity,
      AgentEntity,
      CommandEntity,
      InvestigatorEntity,
    ],
    migrations: MIG_MIGRATIONS,
    migrationsTableName: MIGRATIONS_TABLE,
    migrationsTransactionMode: 'each',
    synchronize: false,
    // TypeORM's own logger prints failed queries with their parameters, which may hold key material;
    // failures reach our structured log through the service's error mapping instead.
    logging: false,
    poolSize: options.poolSize ?? 10,
    applicationName: options.applicationName ?? 'mig-data',
    connectTimeoutMS: options.acquireTimeoutMs ?? 10_000,
    // Passed to pg's Pool: numeric ids and int8 counts come back as numbers (see pg-type-parsers.ts);
    // queries of abandoned calls and jobs are cancelled (query-cancellation.ts); idle connections
    // stay warm for a while (idle-connections.ts).
    extra: { types: MIG_PG_TYPES, Client: CancellableClient, idleTimeoutMillis: IDLE_CONNECTION_KEEP_MS, ...(options.statementTimeoutMs ? { statement_timeout: options.statementTimeoutMs } : {}) },
  });
}

/** Connects and applies every pending migration; returns the names of those it applied. */
export async function openMigratedDataSource(url: string, options: MigDataSourceOptions = {}): Promise<DataSource> {
  if (options.statementTimeoutMs) {
    await (await openMigratedDataSource(url, { ...options, poolSize: 2, statementTimeoutMs: undefined })).destroy();
    const dataSource = createMigDataSource(url, options);
    await dataSource.initialize();
    return dataSource;
  }
  const dataSource = createMigDataSource(url, options);
  await dataSource.initialize();
  // Several replicas may start at once on one database: one migrates, the others wait for it.
  const lock = dataSource.createQueryRunner();
  try {
    await lock.query('SELECT pg_advisory_lock($1)', [ADVISORY_LOCKS.migrations]);
    // A database MIG's own schema.sql created: its tables first become what our first migration makes.
    await adoptMigDatabaseIfCreatedByMig(dataSource, MIGRATIONS_TABLE, options.log ?? logJsonLine);
    await dataSource.runMigrations();
  } catch (error) {
    await dataSource.destroy();
    throw error;
  } finally {
    if (!lock.isReleased) {
      await lock.query('SELECT pg_advisory_unlock($1)', [ADVISORY_LOCKS.migrations]).catch(() => undefined);
      await lock.release();
    }
  }
  return dataSource;
}

function logJsonLine(msg: string, fields: Record<string, unknown>): void {
  console.log(JSON.stringify({ time: new Date().toISOString(), level: 'info', msg, ...fields }));
}
