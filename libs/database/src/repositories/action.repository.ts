import { In, type DataSource, type EntityManager } from 'typeorm';
import {
  ACTION_TRANSITIONS,
  AlreadyExistsError,
  FailedPreconditionError,
  IN_FLIGHT_COMMAND_STATUSES,
  NotFoundError,
  countersFromStatusCounts,
  transitionOutcome,
  transitionRefused,
  type Action,
  type ActionCounters,
  type ActionStatus,
  type CommandStatus,
  type Page,
  type PAGED_LISTS,
} from '@mig-data/domain';
import { ActionEntity, type ActionRow } from '../entities/action.entity';
import { GO_ZERO_TIME } from '../mig-unset-values';
import { sqlState, UNIQUE_VIOLATION } from './postgres-errors';
import { returnedRows } from './structured-query';

/** Actions: storing them, reading them with their counters, moving them through their statuses. */
export class ActionRepository {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * Stores a validated action. A given id is kept (files that already carry one); otherwise the
   * shared sequence assigns it. `manager` lets the caller store the signatures in the same transaction.
   * `signedOperations` is the operations' JSON exactly as it stood in the canonical string the
   * signatures were verified over: stored as that text (the column is `json`, which keeps text
   * as given), so reading the action back rebuilds the same bytes (-0, 1e+21, escapes and all),
   * as MIG's own InsertAction stores json.Marshal(operations).
   * Not finished yet: its finishtime is Go's zero time, what MIG stores for a new action.
   */
  async insert(action: Action, signedOperations: string, status: ActionStatus, now: Date, manager: EntityManager = this.dataSource.manager): Promise<ActionRow> {
    try {
      const [row] = await manager.query(
        `INSERT INTO actions (id, name, target, description, threat, operations, validfrom, expireafter,
                              starttime, lastupdatetime, status, syntaxversion, pgpsignatures, finishtime)
         VALUES (coalesce($1::numeric, nextval('mig_id_seq')), $2, $3, $4, $5, $6, $7, $8, $9, $9, $10, $11, $12, $13::timestamptz)
         RETURNING id`,
        [
          action.id ?? null,
          action.name,
          action.target,
          JSON.stringify(action.description ?? {}),
          JSON.stringify(action.threat ?? {}),
          signedOperations,
          action.validfrom,
          action.expireafter,
          action.starttime ?? now,
          status,
          action.syntaxversion,
          JSON.stringify(action.pgpsignatures),
          GO_ZERO_TIME,
        ],
      );
      return (await manager.getRepository(ActionEntity).findOneByOrFail({ id: row.id })) as ActionRow;
    } catch (error) {
      if (sqlState(error) === UNIQUE_VIOLATION) throw new AlreadyExistsError(`action ${action.id} already exists`);
      throw error;
    }
  }

  async get(id: number, manager: EntityManager = this.dataSource.manager): Promise<ActionRow> {
    const action = await manager.getRepository(ActionEntity).findOneBy({ id });
    if (!action) throw new NotFoundError('action', id);
    return action;
  }

  /** Newest id first (keyset: insert-or-update rewrites starttime, never the id). */
  async list(status: string | undefined, page: Page<typeof PAGED_LISTS.actions.key>): Promise<ActionRow[]> {
    const query = this.dataSource.getRepository(ActionEntity).createQueryBuilder('action');
    if (status !== undefined) query.andWhere('action.status = :status', { status });
    if (page.after !== undefined) query.andWhere('action.id < :beforeId', { beforeId: page.after[0] });
    return query.orderBy('action.id', 'DESC').limit(page.limit).getMany();
  }

  /**
   * Moves up to `limit` runnable pending actions to `scheduled` and returns them. SKIP LOCKED lets
   * concurrent claimers pass each other's rows instead of waiting, so each action goes to one caller;
   * FOR UPDATE re-checks `status = ANY(…)` (the table's from-states of `scheduled`) on the row's
   * latest version, so a row that changed meanwhile drops out. The rows are read back in the same transaction,
   * under the lock the UPDATE holds, so the answer shows the claim, not a later change.
   */
  async claimPending(limit: number, now: Date): Promise<ActionRow[]> {
    return this.dataSource.transaction(async (manager) => {
      const claimed = await returnedRows<{ id: number }>(
        manager,
        // The locking SELECT runs once, as a CTE: written as `id IN (subquery)` the planner may
        // rescan it per row of a nested loop, and each SKIP LOCKED rescan locks other rows that
        // then stay locked but unclaimed until commit, hidden from every other claimer.
        `WITH claimable AS MATERIALIZED (
           SELECT id FROM actions
           WHERE status = ANY($3::text[]) AND validfrom <= $1 AND expireafter > $1
           ORDER BY validfrom, id LIMIT $2
           FOR UPDATE SKIP LOCKED)
         UPDATE actions SET status = 'scheduled', lastupdatetime = $1
         FROM claimable WHERE actions.id = claimable.id
         RETURNING actions.id`,
        [now, limit, ACTION_TRANSITIONS.scheduled.from],
      );
      if (claimed.length === 0) return [];
      const rows = await manager.getRepository(ActionEntity).findBy({ id: In(claimed.map((row) => row.id)) });
      return rows.sort((a, b) => a.validfrom.getTime() - b.validfrom.getTime() || a.id - b.id);
    });
  }

  /** Counters of each action, derived from its commands' statuses in one query. */
  async counters(actionIds: readonly number[], manager: EntityManager = this.dataSource.manager): Promise<Map<number, ActionCounters>> {
    const rows: Array<{ actionid: number; status: CommandStatus; count: number }> = await manager.query(
      `SELECT actionid, status, count(*) AS count FROM commands WHERE actionid = ANY($1::numeric[]) GROUP BY actionid, status`,
      [actionIds],
    );
    const byAction = new Map<number, Partial<Record<CommandStatus, number>>>();
    for (const row of rows) {
      const counts = byAction.get(row.actionid) ?? {};
      counts[row.status] = row.count;
      byAction.set(row.actionid, counts);
    }
    return new Map(actionIds.map((id) => [id, countersFromStatusCounts(byAction.get(id) ?? {})]));
  }

  /**
   * Moves the action to `to` with one conditional UPDATE whose from-states are the transition
   * table's, so two changes racing cannot both apply. When it matches nothing, the row read once
   * decides: NOT_FOUND, a harmless repeat (returned unchanged), or FAILED_PRECONDITION naming the
   * current status. `completed` goes through finish, which also checks the commands.
   */
  async transition(id: number, to: Exclude<ActionStatus, 'completed'>, now: Date): Promise<ActionRow> {
    return this.dataSource.transaction(async (manager) => {
      const changed = await returnedRows<{ id: number }>(
        manager,
        `UPDATE actions SET status = $2, lastupdatetime = $3 WHERE id = $1 AND status = ANY($4::text[]) RETURNING id`,
        [id, to, now, ACTION_TRANSITIONS[to].from],
      );
      const row = await this.get(id, manager);
      if (changed.length > 0) return row;
      return unchangedOrRefused(row, to);
    });
  }

  /**
   * Completes the action; refuses while commands are in flight unless forced. The action row is
   * locked (FOR UPDATE) before the conditional UPDATE runs, in its own statement: a command is
   * only ever inserted under a lock on its action row (CreateCommands takes FOR SHARE, the foreign
   * key check FOR KEY SHARE), so none can appear while we decide, and the UPDATE's snapshot,
   * taken after the lock was granted, sees every command committed before. Commands only leave
   * the in-flight statuses (the table never sends a finished command back), so one finishing at
   * the same moment can at worst make us refuse, never complete an action with work still out.
   */
  async finish(id: number, finishtime: Date, force: boolean): Promise<ActionRow> {
    return this.dataSource.transaction(async (manager) => {
      const [locked] = await manager.query(`SELECT id FROM actions WHERE id = $1 FOR UPDATE`, [id]);
      if (!locked) throw new NotFoundError('action', id);
      const finished = await returnedRows<{ id: number }>(
        manager,
        `UPDATE actions SET status = 'completed', finishtime = $2, lastupdatetime = $2
         WHERE id = $1 AND status = ANY($3::text[])
           AND ($4::boolean OR NOT EXISTS (SELECT 1 FROM commands WHERE actionid = $1 AND status = ANY($5::text[])))
         RETURNING id`,
        [id, finishtime, ACTION_TRANSITIONS.completed.from, force, IN_FLIGHT_COMMAND_STATUSES],
      );
      const row = await this.get(id, manager);
      if (finished.length > 0) return row;
      if (transitionOutcome(ACTION_TRANSITIONS, row.status ?? '', 'completed') !== 'apply') return unchangedOrRefused(row, 'completed');
      const counters = (await this.counters([id], manager)).get(id)!;
      throw new FailedPreconditionError(`action ${id} still has ${counters.inflight} of ${counters.sent} commands in flight; finish them first or set force`);
    });
  }
}

/** After a change matched nothing: the row as it is if the request is a harmless repeat, else the refusal. */
function unchangedOrRefused(row: ActionRow, to: ActionStatus): ActionRow {
  const current = row.status ?? '(no status)';
  if (transitionOutcome(ACTION_TRANSITIONS, current, to) === 'unchanged') return row;
  throw transitionRefused(ACTION_TRANSITIONS, 'action', row.id, current, to);
}
