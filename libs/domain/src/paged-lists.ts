import { pagedList } from './paging';

const FLEET_PAGE = { size: 1000, max: 100_000 };

/**
 * Every list the service pages, with the key its pages follow. Each key is a column (or columns)
 * the list's rows never change while they exist, so a reader paging while heartbeats arrive and
 * statuses move sees every row that matches throughout exactly once (libs/domain paging.ts).
 * Orders that move under a reader (heartbeat time, start time, counts) are not offered as paged
 * orders: no key can keep them without skipping or repeating.
 */
export const PAGED_LISTS = {
  /** By agent id, ascending (heartbeats move heartbeattime and status, never the id). */
  agents: pagedList('ListAgents', ['id'], { size: 100, max: 1000 }),
  /** By action id, newest first (MIG's insert-or-update rewrites starttime, never the id). */
  actions: pagedList('ListActions', ['id'], { size: 100, max: 1000 }),
  /** An action's commands by agent id, ascending: one command per agent and action. */
  commands: pagedList('ListCommands', ['id'], { size: 100, max: 10_000 }),
  /** By investigator id, ascending. */
  investigators: pagedList('ListInvestigators', ['id'], { size: 100, max: 1000 }),
  /** An action's signers by investigator id, ascending (signatures are never changed once stored). */
  actionInvestigators: pagedList('ListActionInvestigators', ['id'], { size: 100, max: 1000 }),
  /** By name (unique, never renamed). */
  modules: pagedList('ListModules', ['text'], { size: 100, max: 1000 }),
  /** An agent's requirements by module name (a requirement's weight changes, its module never). */
  agentModuleRequirements: pagedList('ListAgentModuleRequirements', ['text'], { size: 100, max: 1000 }),
  /** An investigator's weights by agent id, then module name. */
  investigatorModulePermissions: pagedList('ListInvestigatorModulePermissions', ['id', 'text'], { size: 1000, max: 10_000 }),
  /** Distinct (queueloc, name) pairs, by queueloc then name. */
  activeAgents: pagedList('ListActiveAgents', ['text', 'text'], FLEET_PAGE),
  /** Distinct names, by name. */
  offlineAgents: pagedList('ListOfflineAgents', ['text'], FLEET_PAGE),
  /** Queues by queueloc (their counts change as agents come and go, so they cannot order a page). */
  doubleAgents: pagedList('ListDoubleAgents', ['text'], FLEET_PAGE),
  /** The scheduler's multi-agent queues, by queueloc. */
  multiAgentQueues: pagedList('ListMultiAgentQueues', ['text'], FLEET_PAGE),
  /** One queue's live agents by id, newest first (heartbeat time moves; the id never does). */
  activeAgentsByQueue: pagedList('ListActiveAgentsByQueue', ['id'], { size: 100, max: 1000 }),
  /**
   * Snapshots newest first. agents_stats has no key column (MIG's schema) and its rows are never
   * updated, so the row's position (ctid) breaks ties between snapshots of the same instant.
   */
  agentsStats: pagedList('ListAgentsStats', ['time', 'tid'], { size: 10, max: 1000 }),
} as const;
