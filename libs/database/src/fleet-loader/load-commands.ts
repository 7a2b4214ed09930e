import { rowsOf, type SqlRunner } from '../sql-runner';
import { onLoadingSession } from './loading-session';

/** Commands per past action: a large MIG action. */
const COMMANDS_PER_ACTION = 100_000;
/** Commands per INSERT statement; `onProgress` is called after each. */
const CHUNK = 50_000;
/** Statements in flight at once, each on a connection of its own when `db` is a pool or data source. */
const SESSIONS = 2;

export interface CommandsShape {
  /** Commands in all. */
  commands: number;
  /**
   * The agents they go to, ids `firstId` .. `firstId + count - 1` (default: the agents table's,
   * whose ids must then be consecutive, as loadFleet alone leaves them).
   */
  agents?: { firstId: number; count: number };
  onProgress?(loaded: { commands: number }): void;
}

export interface LoadedCommands {
  actions: number;
  commands: number;
  elapsedMs: number;
}

/**
 * Appends finished commands of past actions (100,000 agents each, as a large MIG action, fewer
 * when the fleet is smaller), so that command creation and reads are measured against a table of
 * production size (MIG's reached 20 million rows, mozilla/mig#135). Each action is completed 29
 * days ago; its commands succeeded, found nothing, and go to consecutive agents, so no action has
 * an agent twice. Generated inside PostgreSQL, 50,000 rows a statement, two statements at a time,
 * without statement timeout and JIT (loading-session.ts); ends with VACUUM ANALYZE commands, so
 * pass a pool or data source, not a transaction's manager.
 *
 *     await loadCommands(dataSource, { commands: 20_000_000, onProgress });
 */
export async function loadCommands(db: SqlRunner, shape: CommandsShape): Promise<LoadedCommands> {
  const started = Date.now();
  const total = shape.commands;
  if (!Number.isInteger(total) || total < 0) throw new Error(`commands must be a non-negative integer, got ${total}`);
  if (total === 0) return { actions: 0, commands: 0, elapsedMs: 0 };
  const agents = shape.agents ?? (await fleetAgents(db));
  const perAction = Math.min(COMMANDS_PER_ACTION, agents.count);
  const actionIds = await onLoadingSession(db, async (session) =>
    rowsOf<{ id: number }>(await session.query(INSERT_ACTIONS, [Math.ceil(total / perAction)])).map((row) => Number(row.id)),
  );

  let next = 0;
  let loaded = 0;
  const worker = (session: SqlRunner) => async () => {
    while (next < total) {
      const from = next;
      // A chunk never spans two actions.
      const to = Math.min(total, from + CHUNK, (Math.floor(from / perAction) + 1) * perAction);
      next = to;
      await session.query(INSERT_COMMANDS, [from, to - 1, actionIds[Math.floor(from / perAction)], agents.firstId, agents.count]);
      loaded += to - from;
      shape.onProgress?.({ commands: loaded });
    }
  };
  await Promise.all(Array.from({ length: SESSIONS }, () => onLoadingSession(db, (session) => worker(session)())));
  await onLoadingSession(db, (session) => session.query('VACUUM (ANALYZE) commands'));
  return { actions: actionIds.length, commands: total, elapsedMs: Date.now() - started };
}

/** The agents table's ids, which must be consecutive: commands are addressed to agents by id range. */
async function fleetAgents(db: SqlRunner): Promise<{ firstId: number; count: number }> {
  // Numbers or strings, as the caller's pool parses int8.
  const [{ low, high, count }] = rowsOf<{ low: number | string | null; high: number | string | null; count: number | string }>(
    await db.query('SELECT min(id)::int8 AS low, max(id)::int8 AS high, count(*)::int8 AS count FROM agents'),
  );
  if (Number(count) === 0 || low === null || high === null) throw new Error('no agents to give commands to: load a fleet first (loadFleet, or load-fleet --agents N)');
  if (Number(high) - Number(low) + 1 !== Number(count)) {
    throw new Error(`agents hold ${count} rows with ids from ${low} to ${high}: commands go to agents by id range, so load them into a database whose agents loadFleet alone wrote, or give the range (agents: { firstId, count })`);
  }
  return { firstId: Number(low), count: Number(count) };
}

// $1 the number of actions.
const INSERT_ACTIONS = `
INSERT INTO actions (id, name, target, description, threat, operations, validfrom, expireafter, starttime, finishtime, lastupdatetime, status, syntaxversion, pgpsignatures)
SELECT nextval('mig_id_seq'), 'past action ' || n, 'queueloc LIKE ''linux.%''', '{}', '{}', '[{"module":"file","parameters":{}}]',
       now() - interval '30 days', now() - interval '29 days', now() - interval '30 days', now() - interval '29 days', now() - interval '29 days',
       'completed', 2, '["generated"]'
FROM generate_series(1, $1::int) AS n RETURNING id`;

// $1..$2 the commands' numbers j (0-based over the whole load), $3 their action, $4 the first
// agent id, $5 the agents: command j goes to agent $4 + j mod $5.
const INSERT_COMMANDS = `
INSERT INTO commands (id, actionid, agentid, status, results, starttime, finishtime)
SELECT nextval('mig_id_seq'), $3::numeric, $4::numeric + (j % $5::bigint), 'success', '[{"foundanything":false}]',
       now() - interval '30 days', now() - interval '29 days'
FROM generate_series($1::bigint, $2::bigint) AS j`;
