import type { BenchContext } from '../harness/bench-context';
import type { Scenario } from '../harness/scenario';
import { commandCreationScenario } from './command-creation';
import { targetExpansionScenario, targetIdentitiesScenario } from './fleet-queries';
import { getByIdScenario } from './get-by-id';
import { activeAgentsByQueueScenario, agentsStatsScenario, doubleAgentsScenario, multiAgentQueuesScenario, offlineAgentsScenario } from './operator-queries';
import { heartbeatBatchesScenario } from './heartbeat-batches';
import { singleHeartbeatsScenario } from './single-heartbeats';
import { spoolEndToEndScenario } from './spool-end-to-end';
import { spoolPlacementScenario } from './spool-placement';

export interface BenchScenario {
  /** Names the scenario in --only, the JSON and the table. */
  id: string;
  create(context: BenchContext): Scenario;
}

/** Every scenario, in the order they run: the read-only fleet queries first, while the fleet is as loaded. */
export const BENCH_SCENARIOS: readonly BenchScenario[] = [
  { id: 'offline-agents', create: offlineAgentsScenario },
  { id: 'double-agents', create: doubleAgentsScenario },
  { id: 'active-agents-by-queue', create: activeAgentsByQueueScenario },
  { id: 'multi-agent-queues', create: multiAgentQueuesScenario },
  { id: 'agents-stats', create: agentsStatsScenario },
  { id: 'target-expansion', create: targetExpansionScenario },
  { id: 'target-identities', create: targetIdentitiesScenario },
  { id: 'commands', create: commandCreationScenario },
  { id: 'heartbeat-batches', create: heartbeatBatchesScenario },
  { id: 'single-heartbeats', create: singleHeartbeatsScenario },
  { id: 'spool-placement', create: spoolPlacementScenario },
  { id: 'spool-end-to-end', create: spoolEndToEndScenario },
  { id: 'get-by-id', create: getByIdScenario },
];
