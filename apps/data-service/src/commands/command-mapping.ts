import type { Action, Agent, Command } from '@mig-data/contract';
import { timeOrUnset, type CommandRow } from '@mig-data/database';

export function commandToMessage(row: CommandRow, action?: Action, agent?: Agent): Command {
  return {
    id: row.id,
    action,
    agent,
    status: row.status,
    results: row.results ?? [],
    starttime: row.starttime,
    finishtime: timeOrUnset(row.finishtime),
    actionId: row.actionid,
    agentId: row.agentid,
  };
}
