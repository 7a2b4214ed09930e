import { checkTargetExpression, DeadlineExceededError, InvalidArgumentError, quoteInput } from '@mig-data/domain';
import type { AgentRow } from '../entities/agent.entity';
import type { TargetSandbox } from '../target-sandbox';
import { QUERY_CANCELED, sqlState } from './postgres-errors';

/**
 * SQLSTATE classes that mean "PostgreSQL refused this target" rather than "the server is broken":
 * data exceptions (22), cardinality (21), invalid transaction state such as a write in a read-only
 * transaction (25), SQL routine/external routine refusals (2F, 38, 39), syntax and access rule
 * violations including permission denied (42), unsupported features (0A), object state (55).
 */
const TARGET_FAULT_CLASSES = new Set(['21', '22', '25', '2F', '38', '39', '3F', '42', '0A', '55']);

/**
 * Target expansion: the online or idle agents matching an investigator's target, one per queueloc
 * (its most recent heartbeat), ordered by queueloc. A target is SQL from outside, so it meets
 * several walls, each enough on its own for what it guards:
 * 1. checkTargetExpression refuses anything but a single expression before PostgreSQL sees it;
 * 2. it runs inside `AND ( … )` of one statement sent over the extended protocol, which carries
 *    exactly one statement;
 * 3. the transaction is READ ONLY: no write, no sequence, no row lock;
 * 4. it runs on a connection logged in as the sandbox role (TargetSandbox): nothing but SELECT on
 *    agents and no role memberships, so no investigators, no private keys, no writes even outside
 *    the read-only transaction, and no SET ROLE, set_config('role', …) or SET SESSION
 *    AUTHORIZATION that reaches another role — whatever a target runs, parser or not;
 * 5. `SET LOCAL statement_timeout` and `lock_timeout`: no target holds a connection past the limit;
 * 6. the transaction is always rolled back, then DISCARD ALL drops whatever session state a target
 *    might have left (session-level advisory locks, prepared statements, temporary tables,
 *    settings) before the connection returns to the pool; a connection whose clean-up failed is
 *    closed instead.
 */
export class TargetExpansionRepository {
  constructor(
    private readonly sandbox: TargetSandbox,
    private readonly timeoutMs: number,
  ) {}

  /**
   * `withEnvironment` adds environment and tags, which dominate the response on a large fleet.
   * Times come back as epoch milliseconds (all a JavaScript Date holds), which node-postgres reads
   * several times faster than timestamp text: on 70,000 agents that is a tenth of the call.
   */
  async expand(target: string, options: { withEnvironment?: boolean } = {}): Promise<AgentRow[]> {
    checkTargetExpression(target);
    const rows = await this.runAsReadOnly(
      `SELECT DISTINCT ON (agents.queueloc) agents.id, agents.name, agents.queueloc, agents.mode, agents.version, agents.pid, agents.status,
              extract(epoch FROM agents.starttime)::float8 * 1000 AS starttime,
              extract(epoch FROM agents.destructiontime)::float8 * 1000 AS destructiontime,
              extract(epoch FROM agents.heartbeattime)::float8 * 1000 AS heartbeattime,
              extract(epoch FROM agents.refreshtime)::float8 * 1000 AS refreshtime, agents.loadername
              ${options.withEnvironment ? ', agents.environment, agents.tags' : ''}
       FROM agents
       WHERE agents.status = ANY($1::text[]) AND (${target})
       ORDER BY agents.queueloc ASC, agents.heartbeattime DESC, agents.id DESC`,
      [['online', 'idle']],
    );
    return rows.map((raw) => ({
      id: raw.id as number,
      name: raw.name as string,
      queueloc: raw.queueloc as string,
      mode: raw.mode as string,
      version: raw.version as string,
      pid: raw.pid as number,
      status: raw.status as string,
      starttime: new Date(raw.starttime as number),
      destructiontime: raw.destructiontime === null ? null : new Date(raw.destructiontime as number),
      heartbeattime: new Date(raw.heartbeattime as number),
      refreshtime: new Date(raw.refreshtime as number),
      loadername: (raw.loadername as string | null) ?? null,
      environment: (raw.environment as AgentRow['environment']) ?? null,
      tags: raw.tags ?? null,
    }));
  }

  /** Runs one query on the sandbox connection, in a read-only transaction, under the time limit; refusals become domain errors. */
  private async runAsReadOnly(sql: string, parameters: unknown[]): Promise<Array<Record<string, unknown>>> {
    const client = await this.sandbox.connect();
    let cleanupFailed = false;
    try {
      await client.query('BEGIN TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY');
      await client.query(`SET LOCAL statement_timeout = ${Math.max(1, Math.floor(this.timeoutMs))}`);
      await client.query(`SET LOCAL lock_timeout = ${Math.max(1, Math.floor(this.timeoutMs))}`);
      await client.query('SET LOCAL standard_conforming_strings = on');
      // Large fleets sort tens of thousands of agents by queueloc: in memory, not on disk.
      await client.query(`SET LOCAL work_mem = '64MB'`);
      try {
        return (await client.query(sql, parameters)).rows;
      } catch (error) {
        const state = sqlState(error) ?? '';
        if (state === QUERY_CANCELED) throw new DeadlineExceededError(`target: evaluation ran past the ${this.timeoutMs} ms limit and was cancelled`);
        if (TARGET_FAULT_CLASSES.has(state.slice(0, 2))) throw new InvalidArgumentError('target', `PostgreSQL refused it: ${quoteInput((error as Error).message, 200)}`);
        throw error;
      }
    } finally {
      try {
        await client.query('ROLLBACK');
        await client.query('DISCARD ALL'); // includes pg_advisory_unlock_all()
      } catch {
        cleanupFailed = true;
      }
      // A connection whose clean-up failed may still hold the target's state: it is closed, not pooled.
      client.release(cleanupFailed);
    }
  }
}
