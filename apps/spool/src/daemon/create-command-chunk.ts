import type { DataServiceClients } from '@mig-data/client';

/** One command in the database: enough to name its spool file. */
export interface CreatedCommand {
  commandId: number;
  agentId: number;
}

/**
 * Creates (or finds: CreateCommands is idempotent per action and agent) the commands of one chunk
 * of agents: the one place that calls CreateCommands (its answer is packed parallel arrays).
 * `allNew` tells the caller that no file of these commands can exist yet.
 */
export async function createCommandChunk(clients: DataServiceClients, actionId: number, agentIds: number[]): Promise<{ commands: CreatedCommand[]; allNew: boolean }> {
  const answer = await clients.commands.createCommands({ actionId, agentIds, starttime: undefined });
  const commands = answer.commandIds.map((commandId, index) => ({ commandId, agentId: answer.agentIds[index] }));
  return { commands, allNew: answer.createdCount === commands.length };
}
