import { FailedPreconditionError } from '@mig-data/domain';
import { Pool, type PoolClient } from 'pg';
import type { DataSource } from 'typeorm';
import { MIG_PG_TYPES } from './pg-type-parsers';
import { CancellableClient } from './query-cancellation';
import { IDLE_CONNECTION_KEEP_MS } from './idle-connections';
import { statsOfPool, type PoolStats } from './pool-stats';
import { sqlState } from './repositories/postgres-errors';
import { quietClientErrors } from './client-errors';

export interface TargetSandboxOptions {
  /** The service's own connection: it reads the sandbox role's password. */
  dataSource: DataSource;
  /** The service's database URL: the sandbox logs in to the same host, port and database. */
  databaseUrl: string;
  /** MIG_DATA_TARGET_DATABASE_URL: a role the operator made for targets; wins over the stored one. */
  explicitUrl?: string;
  /** Connections kept for target expansion. */
  poolSize: number;
  /** Longest wait for a connection, new or pooled, in ms; then the expansion fails UNAVAILABLE. */
  acquireTimeoutMs?: number;
}

const HOW_TO_FIX =
  'set MIG_DATA_TARGET_DATABASE_URL to a URL that logs in as a role with nothing but SELECT on agents and no role memberships, or run the migrations as a user that may create roles';

/** SQLSTATEs of a login the server refused (bad password, pg_hba, no such role or database, no CONNECT). */
const LOGIN_REFUSED = new Set(['28000', '28P01', '3D000', '42501']);

/**
 * Connections logged in as the target sandbox role (migration 1796000100000-target-sandbox-role,
 * or the role in MIG_DATA_TARGET_DATABASE_URL). Logging in as it, rather than switching to it,
 * is what makes it a wall: its session user is itself, so SET ROLE, set_config('role', …) and
 * SET SESSION AUTHORIZATION can reach only roles it belongs to, and it belongs to none. Before the
 * first connection is handed out the role is checked to be that weak; any other role is refused
 * with FAILED_PRECONDITION saying what to configure, never used with weaker walls.
 */
export class TargetSandbox {
  private pool?: Promise<Pool>;
  /** The pool once open, for `poolStats()`. */
  private opened?: Pool;

  constructor(private readonly options: TargetSandboxOptions) {}

  /** A pooled connection as the sandbox role; release it with `release(true)` if its state is in doubt. */
  async connect(): Promise<PoolClient> {
    const pool = await (this.pool ??= this.open().catch((error: unknown) => {
      this.pool = undefined; // the next call tries again: a fixed pg_hba or grant needs no restart
      throw error;
    }));
    try {
      return await pool.connect();
    } catch (error) {
      throw refusedLogin(error) ?? error;
    }
  }

  /** Connections of the sandbox pool (all zero until the first target opens it). */
  poolStats(): PoolStats {
    return this.opened ? statsOfPool(this.opened) : { total: 0, idle: 0, waiting: 0 };
  }

  async close(): Promise<void> {
    const pool = this.pool;
    this.pool = undefined;
    this.opened = undefined;
    await pool?.then((opened) => opened.end(), () => undefined);
  }

  private async open(): Promise<Pool> {
    const url = this.options.explicitUrl ?? (await this.storedRoleUrl());
    const pool = new Pool({
      connectionString: url,
      max: this.options.poolSize,
      application_name: 'mig-data-targets',
      types: MIG_PG_TYPES,
      Client: CancellableClient, // an expansion whose caller gave up is cancelled (query-cancellation.ts)
      connectionTimeoutMillis: this.options.acquireTimeoutMs ?? 10_000,
      idleTimeoutMillis: IDLE_CONNECTION_KEEP_MS, // warm for the next expansion (idle-connections.ts)
    });
    // A connection that dies is dropped by the pool; the next connect() reports what is wrong.
    quietClientErrors(pool);
    try {
      const client = await pool.connect().catch((error: unknown) => {
        throw refusedLogin(error) ?? error;
      });
      try {
        await checkSandboxRole(client);
      } finally {
        client.release();
      }
      this.opened = pool;
      return pool;
    } catch (error) {
      await pool.end();
      throw error;
    }
  }

  /** The service's URL with the stored sandbox role and password in place of its own user. */
  private async storedRoleUrl(): Promise<string> {
    let rows: Array<{ rolname: string; password: string }>;
    try {
      rows = await this.options.dataSource.query(`SELECT rolname, password FROM mig_data_target_sandbox`);
    } catch (error) {
      if (sqlState(error) !== '42501' && sqlState(error) !== '42P01') throw error;
      throw new FailedPreconditionError(`targets run as a sandbox role whose password the service's user cannot read (${(error as Error).message}); ${HOW_TO_FIX}`);
    }
    if (rows.length === 0) {
      throw new FailedPreconditionError(`targets run as a sandbox role and this database has none (the migrating user could not create roles); ${HOW_TO_FIX}`);
    }
    const url = new URL(this.options.databaseUrl);
    url.username = rows[0].rolname;
    url.password = rows[0].password;
    return url.toString();
  }
}

/** Refuses a role that could do more than read agents: a target run as it could do the same. */
async function checkSandboxRole(client: PoolClient): Promise<void> {
  const { rows } = await client.query(`
    SELECT current_user AS role, r.rolsuper, r.rolcreaterole, r.rolcreatedb, r.rolreplication, r.rolbypassrls,
           ARRAY(SELECT m.roleid::regrole::text FROM pg_auth_members m WHERE m.member = r.oid ORDER BY 1) AS memberships,
           has_table_privilege('agents', 'SELECT') AS reads_agents,
           has_table_privilege('agents', 'INSERT, UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER') AS writes_agents,
           ARRAY(SELECT c.relname::text FROM pg_class c
                 WHERE c.relnamespace = current_schema()::regnamespace AND c.relkind IN ('r', 'v', 'm', 'p', 'f', 'S')
                   AND c.relname <> 'agents'
                   AND CASE WHEN c.relkind = 'S' THEN has_sequence_privilege(c.oid, 'USAGE, SELECT')
                            ELSE has_table_privilege(c.oid, 'SELECT') OR has_any_column_privilege(c.oid, 'SELECT') END
                 ORDER BY 1) AS reads_other
    FROM pg_roles r WHERE r.rolname = current_user`);
  const role = rows[0];
  const problems = [
    role.rolsuper && 'is a superuser',
    (role.rolcreaterole || role.rolcreatedb || role.rolreplication || role.rolbypassrls) && 'has CREATEROLE, CREATEDB, REPLICATION or BYPASSRLS',
    role.memberships.length > 0 && `belongs to ${role.memberships.join(', ')} (a target could SET ROLE to it)`,
    !role.reads_agents && 'may not read agents',
    role.writes_agents && 'may write agents',
    role.reads_other.length > 0 && `may read ${role.reads_other.join(', ')}`,
  ].filter(Boolean);
  if (problems.length > 0) {
    throw new FailedPreconditionError(`the target sandbox role "${role.role}" ${problems.join('; ')}: targets must run as a role with nothing but SELECT on agents; ${HOW_TO_FIX}`);
  }
}

function refusedLogin(error: unknown): FailedPreconditionError | undefined {
  if (!LOGIN_REFUSED.has(sqlState(error) ?? '')) return undefined;
  return new FailedPreconditionError(`the target sandbox role cannot log in (${(error as Error).message}); ${HOW_TO_FIX}`);
}
