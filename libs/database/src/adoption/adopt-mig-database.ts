import type { DataSource, QueryRunner } from 'typeorm';
import { adoptionProblems } from './adoption-checks';
import { ADOPTION_STEPS } from './adoption-steps';

/** One structured log line (the caller adds time and level). */
export type AdoptionLog = (msg: string, fields: Record<string, unknown>) => void;

/** The migration whose work adoption does on MIG's tables; the later ones run as usual. */
const BASELINE_MIGRATION = { timestamp: 1764288000000, name: 'MigSchema1764288000000' };
/** Seconds between progress lines while a step runs. */
const PROGRESS_EVERY_MS = 10_000;

/** The database could not be adopted as it is; the message lists every problem and what to fix. */
export class MigAdoptionRefusedError extends Error {
  constructor(readonly problems: string[]) {
    super(
      `refusing to adopt this MIG database (nothing was changed); fix these and start again:\n- ${problems.join('\n- ')}`,
    );
    this.name = 'MigAdoptionRefusedError';
  }
}

/**
 * A database created by MIG's own schema.sql has MIG's tables and no migrations table of ours,
 * so TypeORM would run the first migration, whose CREATE TABLEs fail. Adopting brings MIG's
 * tables to what that migration would have made (adoption-steps.ts) and records it as applied,
 * in one transaction, before TypeORM runs the rest. Returns whether it adopted anything.
 * Call it holding the migrations advisory lock: replicas starting together adopt once.
 */
export async function adoptMigDatabaseIfCreatedByMig(dataSource: DataSource, migrationsTable: string, log: AdoptionLog): Promise<boolean> {
  const runner = dataSource.createQueryRunner();
  try {
    const [{ migrations, actions }] = await runner.query(`SELECT to_regclass($1) IS NOT NULL AS migrations, to_regclass('actions') IS NOT NULL AS actions`, [
      migrationsTable,
    ]);
    if (migrations || !actions) return false;
    const started = Date.now();
    log('adopting a database created by MIG\'s schema.sql', { step: 'start', baseline: BASELINE_MIGRATION.name });
    await runner.startTransaction();
    try {
      const problems = await adoptionProblems(runner);
      if (problems.length > 0) throw new MigAdoptionRefusedError(problems);
      log('adoption checks passed', { step: 'checks', elapsedMs: Date.now() - started });
      for (const step of ADOPTION_STEPS) {
        const stepStarted = Date.now();
        await withProgress(dataSource, runner, step.name, log, () => runner.query(step.sql));
        log('adoption step done', { step: step.name, why: step.why, elapsedMs: Date.now() - stepStarted });
      }
      await recordBaseline(runner, migrationsTable);
      await runner.commitTransaction();
    } catch (error) {
      await runner.rollbackTransaction();
      log('adoption failed, rolled back', { step: 'rollback', error: error instanceof Error ? error.message : String(error) });
      throw error;
    }
    log('adopted; the later migrations run next', { step: 'done', elapsedMs: Date.now() - started });
    return true;
  } finally {
    await runner.release();
  }
}

/** The migrations table as TypeORM creates it, with the baseline recorded as applied. */
async function recordBaseline(runner: QueryRunner, migrationsTable: string): Promise<void> {
  const table = `"${migrationsTable.replace(/"/g, '""')}"`;
  await runner.query(`CREATE TABLE IF NOT EXISTS ${table} (id SERIAL PRIMARY KEY, "timestamp" bigint NOT NULL, name varchar NOT NULL)`);
  await runner.query(`INSERT INTO ${table} ("timestamp", name) SELECT $1::bigint, $2::varchar WHERE NOT EXISTS (SELECT 1 FROM ${table} WHERE name = $2::varchar)`, [
    BASELINE_MIGRATION.timestamp,
    BASELINE_MIGRATION.name,
  ]);
}

/**
 * Runs `work`, logging every PROGRESS_EVERY_MS how far it is: an index build reports its phase and
 * blocks from pg_stat_progress_create_index (read on another connection of the pool).
 */
async function withProgress<T>(dataSource: DataSource, runner: QueryRunner, step: string, log: AdoptionLog, work: () => Promise<T>): Promise<T> {
  const [{ pid }] = await runner.query(`SELECT pg_backend_pid() AS pid`);
  const started = Date.now();
  const timer = setInterval(() => {
    dataSource
      .query(`SELECT phase, blocks_done, blocks_total, tuples_done, tuples_total FROM pg_stat_progress_create_index WHERE pid = $1`, [pid])
      .then((rows: Record<string, unknown>[]) => log('adoption step running', { step, elapsedMs: Date.now() - started, ...(rows[0] ?? {}) }))
      .catch(() => undefined);
  }, PROGRESS_EVERY_MS);
  try {
    return await work();
  } finally {
    clearInterval(timer);
  }
}
