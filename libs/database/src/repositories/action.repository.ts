import { In, type DataSource, type EntityManager } from 'typeorm';
import {
  AlreadyExistsError,
  FailedPreconditionError,
  FINAL_ACTION_STATUSES,
  NotFoundError,
  countersFromStatusCounts,
  type Action,
  type ActionCounters,
  type ActionStatus,
  type CommandStatus,
  type Page,
} from '@mig-data/domain';
import { ActionEntity, type ActionRow } from '../entities/action.entity';
import { sqlState, UNIQUE_VIOLATION } from './postgres-errors';
import { returnedRows } from './structured-query';

/** Actions: storing them, reading them with their counters, moving them through their statuses. */
export class ActionRepository {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * Stores a validated action. A given id is kept (files that already carry one); otherwise the
   * shared sequence assigns it. `manager` lets the caller store the signatures in the same transaction.
   */
  async insert(action: Action, status: ActionStatus, now: Date, manager: EntityManager = this.dataSource.manager): Promise<ActionRow> {
    try {
      const [row] = await manager.query(
        `INSERT INTO actions (id, name, target, description, threat, operations, validfrom, expireafter,
                              starttime, lastupdatetime, status, syntaxversion, pgpsignatures)
         VALUES (coalesce($1::numeric, nextval('mig_id_seq')), $2, $3, $4, $5, $6, $7, $8, $9, $9, $10, $11, $12)
         RETURNING id`,
        [
          action.id ?? null,
          action.name,
          action.target,
          JSON.stringify(action.description ?? {}),
          JSON.stringify(action.threat ?? {}),
          JSON.stringify(action.operations),
          action.validfrom,
          action.expireafter,
          action.starttime ?? now,
          status,
          action.syntaxversion,
          JSON.stringify(action.pgpsignatures),
        ],
      );
      return (await manager.getRepository(ActionEntity).findOneByOrFail({ id: Number(row.id) })) as ActionRow;
    } catch (error) {
      if (sqlState(error) === UNIQUE_VIOLATION) throw new AlreadyExistsError(`action ${action.id} already exists`);
      throw error;
    }
  }

  async get(id: number): Promise<ActionRow> {
    const action = await this.dataSource.getRepository(ActionEntity).findOneBy({ id });
    if (!action) throw new NotFoundError('action', id);
    return action;
  }

  /** Latest start time first. */
  async list(status: string | undefined, page: Page): Promise<ActionRow[]> {
    const query = this.dataSource.getRepository(ActionEntity).createQueryBuilder('action');
    if (status !== undefined) query.where('action.status = :status', { status });
    return query.orderBy('action.starttime', 'DESC', 'NULLS LAST').addOrderBy('action.id', 'DESC').offset(page.offset).limit(page.limit).getMany();
  }

  /**
   * Moves up to `limit` runnable pending actions to `scheduled` and returns them. SKIP LOCKED lets
   * concurrent claimers pass each other's rows instead of waiting, so each action goes to one caller.
   */
  async claimPending(limit: number, now: Date): Promise<ActionRow[]> {
    const claimed = await returnedRows<{ id: string }>(
      this.dataSource.manager,
      `UPDATE actions SET status = 'scheduled', lastupdatetime = $1
       WHERE id IN (
         SELECT id FROM actions
         WHERE status = 'pending' AND validfrom <= $1 AND expireafter > $1
         ORDER BY validfrom, id LIMIT $2
         FOR UPDATE SKIP LOCKED)
       RETURNING id`,
      [now, limit],
    );
    if (claimed.length === 0) return [];
    const rows = await this.dataSource.getRepository(ActionEntity).findBy({ id: In(claimed.map((row) => Number(row.id))) });
    return rows.sort((a, b) => a.validfrom.getTime() - b.validfrom.getTime() || a.id - b.id);
  }

  /** Counters of each action, derived from its commands' statuses in one query. */
  async counters(actionIds: readonly number[]): Promise<Map<number, ActionCounters>> {
    const rows: Array<{ actionid: string; status: CommandStatus; count: string }> = await this.dataSource.query(
      `SELECT actionid, status, count(*) AS count FROM commands WHERE actionid = ANY($1::numeric[]) GROUP BY actionid, status`,
      [actionIds],
    );
    const byAction = new Map<number, Partial<Record<CommandStatus, number>>>();
    for (const row of rows) {
      const counts = byAction.get(Number(row.actionid)) ?? {};
      counts[row.status] = Number(row.count);
      byAction.set(Number(row.actionid), counts);
    }
    return new Map(actionIds.map((id) => [id, countersFromStatusCounts(byAction.get(id) ?? {})]));
  }

  /** Sets the status; an action in a final status keeps it (repeating the same status is a no-op). */
  async updateStatus(id: number, status: ActionStatus, now: Date): Promise<ActionRow> {
    const current = await this.get(id);
    if (current.status === status) return current;
    if (current.status && (FINAL_ACTION_STATUSES as readonly string[]).includes(current.status)) {
      throw new FailedPreconditionError(`action ${id} is already ${current.status}; its status can no longer change`);
    }
    await this.dataSource.query(`UPDATE actions SET status = $2, lastupdatetime = $3 WHERE id = $1`, [id, status, now]);
    return this.get(id);
  }

  /** Completes the action; refuses while commands are in flight unless forced. */
  async finish(id: number, finishtime: Date, force: boolean): Promise<ActionRow> {
    const current = await this.get(id);
    if (current.status === 'completed') return current;
    if (current.status && (FINAL_ACTION_STATUSES as readonly string[]).includes(current.status)) {
      throw new FailedPreconditionError(`action ${id} is ${current.status}; only a running action can be finished`);
    }
    if (!force) {
      const counters = (await this.counters([id])).get(id)!;
      if (counters.inflight > 0) {
        throw new FailedPreconditionError(`action ${id} still has ${counters.inflight} of ${counters.sent} commands in flight; finish them first or set force`);
      }
    }
    await this.dataSource.query(`UPDATE actions SET status = 'completed', finishtime = $2, lastupdatetime = $2 WHERE id = $1`, [id, finishtime]);
    return this.get(id);
  }
}
