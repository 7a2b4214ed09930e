import { checkTargetExpression, DeadlineExceededError, InvalidArgumentError, quoteInput } from '@mig-data/domain';
import type { AgentRow } from '../entities/agent.entity';
import { FLEET_QUERY_WORK_MEM } from '../fleet-query-memory';
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
 * (its most recent heartbeat), ordered by queueloc, read in batches through one cursor of one
 * REPEATABLE READ READ ONLY transaction: every batch comes from the same snapshot, so together
 * they are exactly what the single SELECT returns, while only one batch at a time is in memory.
 * The partial index agents_live_queueloc_idx (migration 1796004000000) hands the live agents over
 * already in the cursor's order, so the first batch needs no sort of the whole set. A target is SQL from outside, so it meets
 * several walls, each enough on its own for what it guards:
 * 1. checkTargetExpression refuses anything but a single expression before PostgreSQL sees it;
 * 2. it runs inside `AND ( … )` of one statement sent over the extended protocol, which carries
 *    exactly one statement;
 * 3. the transaction is READ ONLY: no write, no sequence, no row lock;
 * 4. it runs on a connection logged in as the sandbox role (TargetSandbox): nothing but SELECT on
 *    agents and no role memberships, so no investigators, no private keys, no writes even outside
 *    the read-only transaction, and no SET ROLE, set_config('role', …) or SET SESSION
 *    AUTHORIZATION that reaches another role — whatever a target runs, parser or not;
 * 5. `SET LOCAL statement_timeout` and `lock_timeout`: no statement of a target (the cursor's
 *    declaration, each FETCH of a batch) runs past the limit;
 * 6. the transaction is always rolled back, then DISCARD ALL drops whatever session state a target
 *    might have left (session-level advisory locks, prepared statements, temporary tables,
 *    settings) before the connection returns to the pool; a connection whose clean-up failed is
 *    closed instead.
 */
/** What each expanded agent carries. */
export type ExpansionForm = 'agents' | 'agents-with-environment' | 'identities';

/** The lean form: parallel arrays, agent ids[i] listens on queuelocs[i]. */
export interface AgentIdentities {
  ids: number[];
  queuelocs: string[];
}

export interface ExpansionBatches {
  agents: AgentRow[];
  'agents-with-environment': AgentRow[];
  identities: AgentIdentities;
}

/** The live statuses a target is expanded over (MIG sends commands to online and idle agents); agents_live_queueloc_idx holds these. */
const LIVE_STATUSES = ['online', 'idle'];

/** Rows one FETCH reads at most once the first batch is out: a few MB of agents, held twice at most (one FETCH ahead). */
const READ_AHEAD_ROWS = 10_000;

/**
 * The columns of each form, in the order the row mappers below read them: rows come as arrays
 * (pg's rowMode 'array'), not as objects keyed by column name, which pg builds far more slowly.
 * Times are epoch milliseconds from date_part, which computes the float8 directly: the same value
 * as extract(epoch …)::float8 (a correctly rounded division of the exact microseconds either way),
 * without extract's detour through numeric, which cost the database more than the rest of the row.
 */
const AGENT_COLUMNS = `agents.id, agents.name, agents.queueloc, agents.mode, agents.version, agents.pid, agents.status,
              date_part('epoch', agents.starttime) * 1000 AS starttime,
              date_part('epoch', agents.destructiontime) * 1000 AS destructiontime,
              date_part('epoch', agents.heartbeattime) * 1000 AS heartbeattime,
              date_part('epoch', agents.refreshtime) * 1000 AS refreshtime, agents.loadername`;

const COLUMNS: Record<ExpansionForm, string> = {
  agents: AGENT_COLUMNS,
  'agents-with-environment': `${AGENT_COLUMNS}, agents.environment, agents.tags`,
  identities: 'agents.id, agents.queueloc',
};

export class TargetExpansionRepository {
  constructor(
    private readonly sandbox: TargetSandbox,
    private readonly timeoutMs: number,
  ) {}

  /**
   * The expansion as batches of at most `batchSize` agents, in queueloc order, from one snapshot.
   * The next batch is fetched while the caller handles the current one (one batch ahead, never
   * more), so the database and the caller work at the same time and memory stays at two batches.
   * Leaving the loop early (break, an error, the call's abandonment) rolls the transaction back
   * and returns the connection cleaned up. `agents` forms carry times as epoch milliseconds (all a
   * JavaScript Date holds), which node-postgres reads several times faster than timestamp text.
   */
  async *batches<Form extends ExpansionForm>(target: string, form: Form, batchSize: number): AsyncGenerator<ExpansionBatches[Form]> {
    checkTargetExpression(target);
    const sql = `SELECT DISTINCT ON (agents.queueloc) ${COLUMNS[form]}
       FROM agents
       WHERE agents.status = ANY($1::text[]) AND (${target})
       ORDER BY agents.queueloc ASC, agents.heartbeattime DESC, agents.id DESC`;
    const limit = Math.max(1, Math.floor(this.timeoutMs));
    const client = await this.sandbox.connect();
    let cleanupFailed = false;
    let pending: Promise<unknown[][]> | undefined;
    try {
      // One round trip for the settings (our own text, no target in it). A target the index cannot
      // order sorts its matches in memory, not on disk. The first batch is what a caller waits
      // for: plan for it (the default plans for a tenth of the rows, which on a large fleet picks a
      // sort of every live agent over walking the ordered index), and spend none of its time
      // compiling the whole plan (JIT).
      await client.query(`BEGIN TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY;
        SET LOCAL statement_timeout = ${limit}; SET LOCAL lock_timeout = ${limit}; SET LOCAL standard_conforming_strings = on;
        SET LOCAL work_mem = '${FLEET_QUERY_WORK_MEM}'; SET LOCAL cursor_tuple_fraction = 0.01; SET LOCAL jit = off`);
      // With a parameter, so over the extended protocol: one statement, whatever the target holds.
      await this.refusalsExplained(client.query(`DECLARE expansion NO SCROLL CURSOR FOR ${sql}`, [LIVE_STATUSES]));
      const fetchRows = (count: number) => {
        pending = this.refusalsExplained(client.query<unknown[]>({ text: `FETCH FORWARD ${count} FROM expansion`, rowMode: 'array' })).then((result) => result.rows);
        pending.catch(() => undefined); // awaited at the next turn, or in the clean-up when the caller leaves
        return pending;
      };
      // The first FETCH is one batch, for the first message's sake; later ones read further ahead
      // (fewer round trips), always one FETCH ahead of the caller, cut into batches of batchSize.
      let fetchSize = batchSize;
      let next = fetchRows(fetchSize);
      for (;;) {
        const rows = await next;
        pending = undefined;
        const last = rows.length < fetchSize;
        if (!last) {
          fetchSize = Math.max(batchSize, Math.min(fetchSize * 4, READ_AHEAD_ROWS));
          next = fetchRows(fetchSize);
        }
        for (let from = 0; from < rows.length; from += batchSize) {
          const batch = rows.slice(from, from + batchSize);
          yield (form === 'identities' ? toIdentities(batch) : batch.map(toAgentRow)) as ExpansionBatches[Form];
        }
        if (last) return;
      }
    } finally {
      // pg runs a connection's queries in order: a FETCH still running finishes (or is cancelled) before the ROLLBACK.
      await pending?.catch(() => undefined);
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

  /** The whole expansion at once (SearchService filters by it): the batches, gathered. */
  async expand(target: string, options: { withEnvironment?: boolean } = {}): Promise<AgentRow[]> {
    const agents: AgentRow[] = [];
    for await (const batch of this.batches(target, options.withEnvironment ? 'agents-with-environment' : 'agents', 10_000)) agents.push(...batch);
    return agents;
  }

  /** PostgreSQL's refusals of a target, as domain errors: a cancelled statement ran past the limit. */
  private async refusalsExplained<T>(query: Promise<T>): Promise<T> {
    try {
      return await query;
    } catch (error) {
      const state = sqlState(error) ?? '';
      if (state === QUERY_CANCELED) throw new DeadlineExceededError(`target: evaluation ran past the ${this.timeoutMs} ms limit and was cancelled`);
      if (TARGET_FAULT_CLASSES.has(state.slice(0, 2))) throw new InvalidArgumentError('target', `PostgreSQL refused it: ${quoteInput((error as Error).message, 200)}`);
      throw error;
    }
  }
}

function toIdentities(rows: unknown[][]): AgentIdentities {
  const ids = new Array<number>(rows.length);
  const queuelocs = new Array<string>(rows.length);
  for (let index = 0; index < rows.length; index++) {
    ids[index] = rows[index][0] as number;
    queuelocs[index] = rows[index][1] as string;
  }
  return { ids, queuelocs };
}

/** One row of AGENT_COLUMNS (and environment, tags when asked), by position. */
function toAgentRow(row: unknown[]): AgentRow {
  const destructiontime = row[8] as number | null;
  return {
    id: row[0] as number,
    name: row[1] as string,
    queueloc: row[2] as string,
    mode: row[3] as string,
    version: row[4] as string,
    pid: row[5] as number,
    status: row[6] as string,
    starttime: new Date(row[7] as number),
    destructiontime: destructiontime === null ? null : new Date(destructiontime),
    heartbeattime: new Date(row[9] as number),
    refreshtime: new Date(row[10] as number),
    loadername: (row[11] as string | null) ?? null,
    environment: (row[12] as AgentRow['environment'] | undefined) ?? null,
    tags: row[13] ?? null,
  };
}
