import type { DataServiceClients } from '@mig-data/client';
import type { Agent } from '@mig-data/contract';

/**
 * The agents an action's target reaches, in batches of at most `chunkSize` (ExpandTarget caps a
 * batch at 10,000), read from the service's stream: one snapshot, and a fan-out holds one batch
 * in memory whatever the target's size. Full agents, not identities: a command file carries the
 * agent's name, mode, version and pid as MIG's scheduler writes them.
 */
export async function* agentsOfTarget(clients: DataServiceClients, target: string, chunkSize: number): AsyncGenerator<Agent[]> {
  for await (const batch of clients.fleet.expandTarget({ target, withEnvironment: false, identitiesOnly: false, batchSize: chunkSize })) {
    if (batch.agents.length > 0) yield batch.agents;
  }
}
