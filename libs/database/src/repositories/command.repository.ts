import type { DataSource, EntityManager } from 'typeorm';
import {
  COMMAND_TRANSITIONS,
  FailedPreconditionError,
  FINAL_ACTION_STATUSES,
  NEW_COMMAND_STATUS,
  NotFoundError,
  transitionOutcome,
  transitionRefused,
  type CommandStatus,
  type Page,
  type PAGED_LISTS,
} from '@mig-data/domain';
import { CommandEntity, type CommandRow } from '../entities/command.entity';
import { MIG_FUTURE_DATE, NO_RESULTS_YET } from '../mig-unset-values';
import { FOREIGN_KEY_VIOLATION, sqlState } from './postgres-errors';
import { returnedRows } from './structured-query';

export interface CommandRef {
  id: number;
  agentId: number;
}

export interface CreatedCommands {
  /** One per distinct requested agent, in request order. */
  commands: CommandRef[];
  createdCount: number;
}

export interface FinishedCommand {
  command: CommandRow;
  overwritten: boolean;
}

/** Commands: one per action and agent, created in bulk and finished one by one. */
export class CommandRepository {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * Creates an action's commands for any number of agents with one INSERT … SELECT over an array
   * (the original's multi-row VALUES broke past ~9,000 rows). The unique (actionid, agentid) index
   * makes it idempotent: a repeat creates nothing and returns the same command ids.
   * The INSERT returns the ids it made, so a first call (the usual one) costs one statement; only
   * agents that already had a command are read back. Unknown agents are left to the foreign key,
   * which checks each row anyway; its violation is then explained by naming the first of them.
   * A command not returned yet has MIG's future date as finishtime and no results, as MIG writes it.
   */
  async createForAgents(actionId: number, agentIds: readonly number[], starttime: Date): Promise<CreatedCommands> {
    const distinct = [...new Set(agentIds)];
    try {
      return await this.dataSource.transaction(async (manager) => {
        const [action] = await manager.query(`SELECT status FROM actions WHERE id = $1 FOR SHARE`, [actionId]);
        if (!action) throw new NotFoundError('action', actionId);
        if ((FINAL_ACTION_STATUSES as readonly string[]).includes(action.status)) {
          throw new FailedPreconditionError(`action ${actionId} is ${action.status}: no new commands can be created for it`);
        }
        const created = await returnedRows<{ id: number; agentid: number }>(
          manager,
          `INSERT INTO commands (id, actionid, agentid, status, starttime, finishtime, results)
           SELECT nextval('mig_id_seq'), $1, requested.id, $4, $3, $5::timestamptz, $6::json FROM unnest($2::numeric[]) AS requested(id)
           ON CONFLICT (actionid, agentid) DO NOTHING
           RETURNING id, agentid`,
          [actionId, distinct, starttime, NEW_COMMAND_STATUS, MIG_FUTURE_DATE, NO_RESULTS_YET],
        );
        const commandByAgent = new Map(created.map((row) => [row.agentid, row.id]));
        if (commandByAgent.size < distinct.length) {
          const existing: Array<{ id: number; agentid: number }> = await manager.query(
            `SELECT c.id, c.agentid FROM commands c WHERE c.actionid = $1 AND c.agentid = ANY($2::numeric[])`,
            [actionId, distinct.filter((agentId) => !commandByAgent.has(agentId))],
          );
          for (const row of existing) commandByAgent.set(row.agentid, row.id);
        }
        return {
          commands: distinct.map((agentId) => ({ id: commandByAgent.get(agentId)!, agentId })),
          createdCount: created.length,
        };
      });
    } catch (error) {
      if (sqlState(error) !== FOREIGN_KEY_VIOLATION) throw error;
      const [missing] = await this.dataSource.query(
        `SELECT requested.id FROM unnest($1::numeric[]) WITH ORDINALITY AS requested(id, position)
         WHERE NOT EXISTS (SELECT 1 FROM agents WHERE agents.id = requested.id) ORDER BY requested.position LIMIT 1`,
        [distinct],
      );
      if (!missing) throw error;
      throw new NotFoundError('agent', missing.id);
    }
  }

  async get(id: number, manager: EntityManager = this.dataSource.manager): Promise<CommandRow> {
    const command = await manager.getRepository(CommandEntity).findOneBy({ id });
    if (!command) throw new NotFoundError('command', id);
    return command;
  }

  /**
   * By agent id (keyset): an action has one command per agent, and the (actionid, agentid) index
   * walks them in that order, so each page is one index range whatever the action's size.
   */
  async listByAction(actionId: number, status: string | undefined, page: Page<typeof PAGED_LISTS.commands.key>): Promise<CommandRow[]> {
    const query = this.dataSource.getRepository(CommandEntity).createQueryBuilder('command').where('command.actionid = :actionId', { actionId });
    if (status !== undefined) query.andWhere('command.status = :status', { status });
    if (page.after !== undefined) query.andWhere('command.agentid > :afterAgentId', { afterAgentId: page.after[0] });
    return query.orderBy('command.agentid', 'ASC').limit(page.limit).getMany();
  }

  /**
   * Records that the command was delivered: prepared → sent in one conditional UPDATE built from
   * the transition table. A repeat on a `sent` command returns it unchanged; a finished command is
   * refused (FAILED_PRECONDITION naming its status), never sent again.
   */
  async markSent(id: number): Promise<CommandRow> {
    return this.dataSource.transaction(async (manager) => {
      const sent = await returnedRows<{ id: string }>(
        manager,
        `UPDATE commands SET status = 'sent' WHERE id = $1 AND status = ANY($2::text[]) RETURNING id`,
        [id, COMMAND_TRANSITIONS.sent.from],
      );
      const command = await this.get(id, manager);
      if (sent.length > 0 || transitionOutcome(COMMAND_TRANSITIONS, command.status, 'sent') === 'unchanged') return command;
      throw transitionRefused(COMMAND_TRANSITIONS, 'command', id, command.status, 'sent');
    });
  }

  /**
   * Records a returned command. The from-states (anything but `success`, from the transition
   * table) and the owner check (same queueloc and pid, online or idle) are both in the one UPDATE,
   * so two returns racing cannot both win. When it matches nothing, the row read once decides: a
   * `success` is returned unchanged (overwritten = false), anything else is refused. The row is
   * read in the same transaction, under the UPDATE's lock, so the answer is what this call wrote.
   */
  async finish(
    id: number,
    update: { status: CommandStatus; results: unknown[]; finishtime: Date; agentQueueloc: string; agentPid: number },
  ): Promise<FinishedCommand> {
    return this.dataSource.transaction(async (manager) => {
      // No agent named: the scheduler's spool returning a command no agent answered (expired),
      // whose agent may well be offline by now; the service allows it only for `expired`.
      const finished =
        update.agentQueueloc === ''
          ? await returnedRows<{ id: string }>(
              manager,
              `UPDATE commands c SET status = $2, results = $3::json, finishtime = $4
               WHERE c.id = $1 AND c.status = ANY($5::text[])
               RETURNING c.id`,
              [id, update.status, JSON.stringify(update.results), update.finishtime, COMMAND_TRANSITIONS[update.status].from],
            )
          : await returnedRows<{ id: string }>(
              manager,
              `UPDATE commands c SET status = $2, results = $3::json, finishtime = $4
               FROM agents a
               WHERE c.id = $1 AND c.status = ANY($7::text[]) AND a.id = c.agentid
                 AND a.queueloc = $5 AND a.pid = $6 AND a.status IN ('online', 'idle')
               RETURNING c.id`,
              [id, update.status, JSON.stringify(update.results), update.finishtime, update.agentQueueloc, update.agentPid, COMMAND_TRANSITIONS[update.status].from],
            );
      const command = await this.get(id, manager);
      if (finished.length > 0) return { command, overwritten: true };
      const outcome = transitionOutcome(COMMAND_TRANSITIONS, command.status, update.status);
      if (outcome === 'unchanged') return { command, overwritten: false };
      if (outcome === 'refused') throw transitionRefused(COMMAND_TRANSITIONS, 'command', id, command.status, update.status);
      throw new FailedPreconditionError(
        `command ${id} belongs to agent ${command.agentid}, which is not an online or idle agent at queueloc "${update.agentQueueloc}" with pid ${update.agentPid}`,
      );
    });
  }
}
