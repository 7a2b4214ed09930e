import type { Pool } from 'pg';
import { ProgressBar } from '../progress/progress-bar';
import type { BenchFleet } from './bench-fleet';

const COMMANDS_PER_ACTION = 100_000;
const CHUNK = 50_000;

/**
 * Fills `commands` with finished commands of past actions (100,000 agents each, as a large MIG
 * action), so the scale run measures command creation and reads against a table of production
 * size. Consecutive commands go to consecutive agents, so no action has an agent twice.
 * Generated inside PostgreSQL, two chunks at a time.
 */
export async function seedCommands(pool: Pool, fleet: BenchFleet, commands: number): Promise<void> {
  if (commands === 0) return;
  const perAction = Math.min(COMMANDS_PER_ACTION, fleet.agents);
  const actionCount = Math.ceil(commands / perAction);
  const { rows } = await pool.query<{ id: string }>(
    `INSERT INTO actions (id, name, target, description, threat, operations, validfrom, expireafter, starttime, finishtime, lastupdatetime, status, syntaxversion, pgpsignatures)
     SELECT nextval('mig_id_seq'), 'past action ' || n, 'queueloc LIKE ''linux.%''', '{}', '{}', '[{"module":"file","parameters":{}}]',
            now() - interval '30 days', now() - interval '29 days', now() - interval '30 days', now() - interval '29 days', now() - interval '29 days',
            'completed', 2, '["bench"]'
     FROM generate_series(1, $1::int) AS n RETURNING id`,
    [actionCount],
  );
  const actionIds = rows.map((row) => Number(row.id));
  const progress = new ProgressBar('loading commands', commands);
  let next = 0;
  const worker = async () => {
    while (next < commands) {
      const from = next;
      const to = Math.min(commands, from + CHUNK, (Math.floor(from / perAction) + 1) * perAction);
      next = to;
      await pool.query(
        `INSERT INTO commands (id, actionid, agentid, status, results, starttime, finishtime)
         SELECT nextval('mig_id_seq'), $3::numeric, $4::numeric + (j % $5::bigint), 'success', '[{"foundanything":false}]',
                now() - interval '30 days', now() - interval '29 days'
         FROM generate_series($1::bigint, $2::bigint) AS j`,
        [from, to - 1, actionIds[Math.floor(from / perAction)], fleet.firstAgentId, fleet.agents],
      );
      progress.advance(to - from);
    }
  };
  await Promise.all([worker(), worker()]);
  progress.finish();
  await pool.query('VACUUM (ANALYZE) commands');
}
