import type { DataServiceClients } from '@mig-data/client';
import type { Agent } from '@mig-data/contract';

/**
 * The agents a target expression reaches, as FleetService.ExpandTarget streams them (online or
 * idle, one per queueloc, ordered by queueloc, batches read from one snapshot): the one place
 * mig-operator calls ExpandTarget. Leaving the loop early cancels the stream.
 */
export async function* expandTarget(clients: DataServiceClients, target: string): AsyncIterable<Agent> {
  for await (const batch of clients.fleet.expandTarget({ target, withEnvironment: false, identitiesOnly: false, batchSize: 0 })) {
    yield* batch.agents;
  }
}
