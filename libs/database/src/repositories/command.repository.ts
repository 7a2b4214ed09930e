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
import { ADVISORY_LOCKS } from '../advisory-locks';
import { returnedRows } from './structured-query';
import { idArrayLiteral } from './id-arrays';
import { reservedId, reserveIds } from './id-reservation';

export interface CreatedCommands {
  /** Parallel arrays, one entry per distinct requested agent in request order: commandIds[i] is the command of agentIds[i]. */
  agentIds: number[];
  commandIds: number[];
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
   * Creates an action's commands for any number of agents, at the speed of a bulk load: the
   * commands of one action are created one call at a time (a transaction-scoped advisory lock on
   * the action), so the agents that already have one are known by reads made under that lock,
   * before anything is written — an action without commands (a first call) by one index probe,
   * otherwise by one lookup of the requested agents. The rest go in with a plain INSERT … SELECT
   * over one array of agent ids, their ids reserved from the sequence in one statement and, when
   * that reservation is one unbroken block (id-reservation.ts), computed from its first id and the
   * agent's position rather than sent back as a second array — no ON CONFLICT, whose speculative
   * insertion cost a fifth of the time, and no RETURNING of 100,000 rows. The unique
   * (actionid, agentid) index still stands behind it: a writer that bypassed this method would
   * fail, never double a command.
   * Unknown agents are left to the foreign key, which checks each row anyway; its violation is
   * then explained by naming the first of them. A command not returned yet has MIG's future date
   * as finishtime and no results, as MIG writes it.
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
        await manager.query(`SELECT pg_advisory_xact_lock($1, hashint8($2::bigint))`, [ADVISORY_LOCKS.commandsOfAction, actionId]);
        const commandByAgent = await existingCommands(manager, actionId, distinct);
        const missing = commandByAgent.size === 0 ? distinct : distinct.filter((agentId) => !commandByAgent.has(agentId));
        if (missing.length === 0) return { agentIds: distinct, commandIds: distinct.map((agentId) => commandByAgent.get(agentId)!), createdCount: 0 };
        const reserved = await reserveIds(manager, missing.length);
        const columns = `INSERT INTO commands (id, actionid, agentid, status, starttime, finishtime, results)`;
        const constants = [actionId, NEW_COMMAND_STATUS, starttime, MIG_FUTURE_DATE, NO_RESULTS_YET];
        await (reserved.ids
          ? manager.query(
              `${columns} SELECT created.id, $1, created.agentid, $2, $3, $4::timestamptz, $5::json
               FROM unnest($6::bigint[], $7::bigint[]) AS created(id, agentid)`,
              [...constants, idArrayLiteral(reserved.ids), idArrayLiteral(missing)],
            )
          : manager.query(
              `${columns} SELECT $6::bigint + created.position - 1, $1, created.agentid, $2, $3, $4::timestamptz, $5::json
               FROM unnest($7::bigint[]) WITH ORDINALITY AS created(agentid, position)`,
              [...constants, reserved.first, idArrayLiteral(missing)],
            ));
        const created = missing.map((_, index) => reservedId(reserved, index));
        if (commandByAgent.size === 0) return { agentIds: distinct, commandIds: created, createdCount: missing.length };
        missing.forEach((agentId, index) => commandByAgent.set(agentId, created[index]));
        return { agentIds: distinct, commandIds: distinct.map((agentId) => commandByAgent.get(agentId)!), createdCount: missing.length };
      });
    } catch (error) {
      if (sqlState(error) !== FOREIGN_KEY_VIOLATION) throw error;
      const [missing] = await this.dataSource.query(
        `SELECT requested.id FROM unnest($1::numeric[]) WITH ORDINALITY AS requested(id, position)
         WHERE NOT EXISTS (SELECT 1 FROM agents WHERE agents.id = requested.id) ORDER BY requested.position LIMIT 1`,
        [idArrayLiteral(distinct)],
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

/**
 * The commands the action already has among these agents, read under the action's advisory lock.
 * A first call finds none, and learns it from one probe of the (actionid, agentid) index instead
 * of sending every agent id to look each one up.
 */
async function existingCommands(manager: EntityManager, actionId: number, agentIds: readonly number[]): Promise<Map<number, number>> {
  const commandByAgent = new Map<number, number>();
  const [{ any }] = await manager.query(`SELECT EXISTS (SELECT 1 FROM commands WHERE actionid = $1) AS any`, [actionId]);
  if (!any) return commandByAgent;
  const existing: Array<{ agentid: number; id: number }> = await manager.query(
    `SELECT c.agentid, c.id FROM commands c JOIN unnest($2::numeric[]) AS requested(id) ON c.agentid = requested.id WHERE c.actionid = $1`,
    [actionId, idArrayLiteral(agentIds)],
  );
  for (const row of existing) commandByAgent.set(row.agentid, row.id);
  return commandByAgent;
}
