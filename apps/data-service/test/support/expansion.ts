import type { Agent, ExpandTargetRequest } from '@mig-data/contract';
import type { DataServiceClients } from '@mig-data/client';

type FleetClient = DataServiceClients['fleet'];

/** An ExpandTarget request with the defaults for what `fields` leaves out. */
export function expansionRequest(fields: Partial<ExpandTargetRequest> & { target: string }): ExpandTargetRequest {
  return { withEnvironment: false, identitiesOnly: false, batchSize: 0, ...fields };
}

/** Every agent of a streamed expansion, the batches gathered. */
export async function expandedAgents(fleet: FleetClient, fields: Partial<ExpandTargetRequest> & { target: string }): Promise<Agent[]> {
  const agents: Agent[] = [];
  for await (const batch of fleet.expandTarget(expansionRequest(fields))) agents.push(...batch.agents);
  return agents;
}
