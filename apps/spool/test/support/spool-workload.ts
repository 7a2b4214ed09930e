import type { DataServiceClients } from '@mig-data/client';
import { placeFile, spoolLayout } from '@mig-data/spool';
import type { ExpectedAction } from './spool-checker';
import type { SeededRandom } from './seeded-random';
import { actionFileText, groupTarget, registerAgents, registerSigner, type TestAgent } from './spool-fixtures';

export interface WorkloadOptions {
  actions: number;
  /** Agent groups; action n targets group n % groups. */
  groups: number;
  agentsPerGroup: number;
  /** Every n-th action is left unsigned and must land in action/invalid (0: none). */
  unsignedEvery?: number;
  /** Prefix of agent groups and action names, unique per test. */
  prefix: string;
}

export interface ActionDrop {
  /** The name of the file dropped in action/new. */
  fileName: string;
  text: string;
}

export interface Workload {
  expected: ExpectedAction[];
  drops: ActionDrop[];
  agents: TestAgent[];
}

/**
 * Agents in groups and signed action files aimed at them, as investigators would hand them in:
 * half bring their id (as MIG's API writes them), half have none and a free name (dropped by
 * hand: the spool must give each an id exactly once, even across crashes).
 */
export async function prepareWorkload(clients: DataServiceClients, options: WorkloadOptions): Promise<Workload> {
  const signer = await registerSigner(clients, `${options.prefix} investigator`);
  const groups: TestAgent[][] = [];
  for (let group = 0; group < options.groups; group++) groups.push(await registerAgents(clients, `${options.prefix}${group}`, options.agentsPerGroup));
  const expected: ExpectedAction[] = [];
  const drops: ActionDrop[] = [];
  // Ids far above the service's sequence, below 2^53.
  const firstId = 7_000_000_000_000_000 + Math.floor(Math.random() * 1_000_000) * 1000;
  for (let index = 0; index < options.actions; index++) {
    const group = index % options.groups;
    const name = `${options.prefix} action ${index}`;
    const unsigned = options.unsignedEvery ? index % options.unsignedEvery === options.unsignedEvery - 1 : false;
    const id = index % 2 === 0 ? firstId + index : undefined;
    const text = await actionFileText(signer, { name, target: groupTarget(`${options.prefix}${group}`), id, unsigned });
    drops.push({ fileName: id ? `${id}.json` : `${options.prefix}-dropped-${index}.json`, text });
    expected.push(unsigned ? { name, outcome: 'invalid' } : { name, outcome: 'completed', agents: groups[group] });
  }
  return { expected, drops, agents: groups.flat() };
}

/** Places the drops into action/new the contract's way, in a random order and random small batches, `pauseMs` apart at most. */
export async function dropActions(spoolDir: string, drops: readonly ActionDrop[], random: SeededRandom, pauseMs: number): Promise<void> {
  const layout = spoolLayout(spoolDir);
  const order = random.shuffled(drops);
  for (let index = 0; index < order.length; ) {
    const batch = order.slice(index, index + random.between(1, 10));
    index += batch.length;
    for (const drop of batch) await placeFile(layout, layout.action.new, drop.fileName, drop.text);
    await new Promise((resolve) => setTimeout(resolve, random.between(0, pauseMs)));
  }
}
