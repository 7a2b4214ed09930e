import type { DataServiceClients } from '@mig-data/client';
import type { Agent } from '@mig-data/contract';

/**
 * The agents an action's target reaches, in chunks of at most `chunkSize`: the one place that asks
 * the service for them. ExpandTarget answers the whole set in one message today; when it streams,
 * only this function changes and a fan-out's memory stays one chunk.
 */
export async function* agentsOfTarget(clients: DataServiceClients, target: string, chunkSize: number): AsyncGenerator<Agent[]> {
  const { agents } = await clients.fleet.expandTarget({ target, withEnvironment: false });
  for (let start = 0; start < agents.length; start += chunkSize) yield agents.slice(start, start + chunkSize);
}
