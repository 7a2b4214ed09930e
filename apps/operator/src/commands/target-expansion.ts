import type { DataServiceClients } from '@mig-data/client';
import type { Agent } from '@mig-data/contract';

/**
 * The agents a target expression reaches, as FleetService.ExpandTarget answers (online or idle,
 * one per queueloc, ordered by queueloc). The one place mig-operator calls ExpandTarget, and an
 * async iterable so that callers already read it as a stream: when the RPC becomes
 * server-streaming, only this function changes.
 */
export async function* expandTarget(clients: DataServiceClients, target: string): AsyncIterable<Agent> {
  const { agents } = await clients.fleet.expandTarget({ target, withEnvironment: false });
  yield* agents;
}
