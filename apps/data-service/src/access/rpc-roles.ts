/**
 * Who may call what: THE table of every RPC and the roles allowed to call it, checked for every
 * call before anything else (apps/data-service/src/grpc/rpc-handlers.ts). A caller's role comes from its
 * client certificate (caller.ts). The roles are MIG's database roles, and each RPC is allowed to
 * the roles MIG's grants (libs/database/src/migrations/1796000100002-mig-grants.ts) allowed for the
 * same data:
 * - readonly (migreadonly): reads agents, actions, commands, modules, permissions and the public
 *   columns of investigators, and expands targets; never agents_stats, never a private key;
 * - api (migapi): what readonly reads, plus agents_stats, and creates actions;
 * - scheduler (migscheduler): reads everything, writes actions, commands, agents and agents_stats;
 *   it alone holds and uses the scheduler's private key and records agents' results;
 * - admin (migadmin, owner of every table): everything except the scheduler's own key and agents'
 *   results; it alone registers or disables investigators and sets modules and permissions.
 * MIG's API may insert investigators and update their status and permissions in the database, but
 * only for an investigator holding MIG's admin permission: here that is the admin role.
 */
export const ROLES = ['scheduler', 'api', 'readonly', 'admin'] as const;
export type Role = (typeof ROLES)[number];

const ANYONE: readonly Role[] = ['readonly', 'api', 'scheduler', 'admin'];
const SCHEDULER_OR_ADMIN: readonly Role[] = ['scheduler', 'admin'];
const ACTION_AUTHORS: readonly Role[] = ['api', 'scheduler', 'admin'];
const ADMIN: readonly Role[] = ['admin'];
const SCHEDULER: readonly Role[] = ['scheduler'];

/** Keyed by the gRPC method path without its leading slash. */
export const RPC_ROLES: Readonly<Record<string, readonly Role[]>> = {
  'mig.data.v1.AgentService/RecordHeartbeat': SCHEDULER_OR_ADMIN,
  'mig.data.v1.AgentService/RecordHeartbeats': SCHEDULER_OR_ADMIN,
  'mig.data.v1.AgentService/GetAgent': ANYONE,
  'mig.data.v1.AgentService/ListAgents': ANYONE,

  'mig.data.v1.ActionService/CreateAction': ACTION_AUTHORS,
  'mig.data.v1.ActionService/GetAction': ANYONE,
  'mig.data.v1.ActionService/ListActions': ANYONE,
  'mig.data.v1.ActionService/UpdateActionStatus': SCHEDULER_OR_ADMIN,
  'mig.data.v1.ActionService/ClaimPendingActions': SCHEDULER_OR_ADMIN,
  'mig.data.v1.ActionService/FinishAction': SCHEDULER_OR_ADMIN,

  'mig.data.v1.CommandService/CreateCommands': SCHEDULER_OR_ADMIN,
  'mig.data.v1.CommandService/GetCommand': ANYONE,
  'mig.data.v1.CommandService/ListCommands': ANYONE,
  'mig.data.v1.CommandService/MarkCommandSent': SCHEDULER_OR_ADMIN,
  // An agent's results arrive through the scheduler only.
  'mig.data.v1.CommandService/FinishCommand': SCHEDULER,

  'mig.data.v1.FleetService/ListActiveAgents': ANYONE,
  'mig.data.v1.FleetService/ListOfflineAgents': ANYONE,
  'mig.data.v1.FleetService/ListDoubleAgents': ANYONE,
  'mig.data.v1.FleetService/ListMultiAgentQueues': ANYONE,
  'mig.data.v1.FleetService/ListActiveAgentsByQueue': ANYONE,
  'mig.data.v1.FleetService/ExpandTarget': ANYONE,
  'mig.data.v1.FleetService/MarkIdleAgents': SCHEDULER_OR_ADMIN,
  'mig.data.v1.FleetService/MarkOfflineAgents': SCHEDULER_OR_ADMIN,
  'mig.data.v1.FleetService/MarkAgentUpgraded': SCHEDULER_OR_ADMIN,
  'mig.data.v1.FleetService/MarkAgentDestroyed': SCHEDULER_OR_ADMIN,
  'mig.data.v1.FleetService/CreateAgentsStats': SCHEDULER_OR_ADMIN,
  // migreadonly has no SELECT on agents_stats.
  'mig.data.v1.FleetService/ListAgentsStats': ACTION_AUTHORS,

  'mig.data.v1.InvestigatorService/CreateInvestigator': ADMIN,
  'mig.data.v1.InvestigatorService/GetInvestigator': ANYONE,
  'mig.data.v1.InvestigatorService/GetInvestigatorByFingerprint': ANYONE,
  'mig.data.v1.InvestigatorService/ListInvestigators': ANYONE,
  'mig.data.v1.InvestigatorService/ListActionInvestigators': ANYONE,
  'mig.data.v1.InvestigatorService/UpdateInvestigatorStatus': ADMIN,
  'mig.data.v1.InvestigatorService/CreateSchedulerInvestigator': SCHEDULER,
  'mig.data.v1.InvestigatorService/GetSchedulerInvestigator': SCHEDULER,
  'mig.data.v1.InvestigatorService/SignActionAsScheduler': SCHEDULER,

  'mig.data.v1.PermissionService/CreateModule': ADMIN,
  'mig.data.v1.PermissionService/ListModules': ANYONE,
  'mig.data.v1.PermissionService/SetAgentModuleRequirement': ADMIN,
  'mig.data.v1.PermissionService/ListAgentModuleRequirements': ANYONE,
  'mig.data.v1.PermissionService/SetInvestigatorModulePermission': ADMIN,
  'mig.data.v1.PermissionService/ListInvestigatorModulePermissions': ANYONE,
  'mig.data.v1.PermissionService/CheckActionPermissions': ANYONE,

  'mig.data.v1.SearchService/SearchActions': ANYONE,
  'mig.data.v1.SearchService/SearchCommands': ANYONE,
  'mig.data.v1.SearchService/SearchAgents': ANYONE,
  'mig.data.v1.SearchService/SearchInvestigators': ANYONE,
};
