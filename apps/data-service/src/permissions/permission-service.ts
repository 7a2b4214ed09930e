import type { OperationPermission, PermissionServiceServer } from '@mig-data/contract';
import type { ActionRepository, OperationPermissionRecord, PermissionRepository } from '@mig-data/database';
import { InvalidArgumentError, nextPageToken, PAGED_LISTS, readPage, requireAtMost, requireMigId, requireText, type InputLimits } from '@mig-data/domain';
import type { RpcMethods } from '../grpc/rpc-handlers';

/** modules.name is varchar(256). */
const MODULE_NAME_LENGTH = 256;

/** The PermissionService RPCs (proto/mig/data/v1/permission_service.proto). */
export function permissionService(permissions: PermissionRepository, actions: ActionRepository, limits: InputLimits): RpcMethods<PermissionServiceServer> {
  return {
    createModule: async ({ name }) => ({ module: await permissions.createModule(requireText(name, 'name', MODULE_NAME_LENGTH)) }),

    listModules: async (request) => {
      const page = readPage(PAGED_LISTS.modules, request);
      const modules = await permissions.listModules(page);
      return { modules, nextPageToken: nextPageToken(page, modules, (module) => [module.name]) };
    },

    setAgentModuleRequirement: async ({ agentId, module, minimumWeight }) => {
      requireMigId(agentId, 'agent_id');
      requireText(module, 'module', MODULE_NAME_LENGTH);
      if (!Number.isInteger(minimumWeight) || minimumWeight < 1) {
        throw new InvalidArgumentError('minimum_weight', `must be at least 1 (a permission needs at least one signature), got ${minimumWeight}`);
      }
      return { requirement: await permissions.setRequirement(agentId, module, minimumWeight) };
    },

    listAgentModuleRequirements: async (request) => {
      const agentId = requireMigId(request.agentId, 'agent_id');
      const page = readPage(PAGED_LISTS.agentModuleRequirements, request, { agent_id: agentId });
      const requirements = await permissions.listRequirements(agentId, page);
      return { requirements, nextPageToken: nextPageToken(page, requirements, (requirement) => [requirement.module]) };
    },

    setInvestigatorModulePermission: async ({ investigatorId, agentId, module, weight }) => {
      requireMigId(investigatorId, 'investigator_id');
      requireMigId(agentId, 'agent_id');
      requireText(module, 'module', MODULE_NAME_LENGTH);
      if (!Number.isInteger(weight) || weight < 0) throw new InvalidArgumentError('weight', `must be 0 or more, got ${weight}`);
      return { permission: await permissions.setPermission(investigatorId, agentId, module, weight) };
    },

    listInvestigatorModulePermissions: async (request) => {
      const { investigatorId, agentId } = request;
      requireMigId(investigatorId, 'investigator_id');
      if (agentId !== undefined) requireMigId(agentId, 'agent_id');
      const page = readPage(PAGED_LISTS.investigatorModulePermissions, request, { investigator_id: investigatorId, agent_id: agentId });
      const weights = await permissions.listPermissions(investigatorId, agentId, page);
      return { permissions: weights, nextPageToken: nextPageToken(page, weights, (weight) => [weight.agentId, weight.module]) };
    },

    checkActionPermissions: async ({ actionId, agentIds }) => {
      requireMigId(actionId, 'action_id');
      if (agentIds.length === 0) throw new InvalidArgumentError('agent_ids', 'must list the agents to check');
      // A check covers one action's target agents: as many as one command fan-out.
      requireAtMost(agentIds.length, 'agent_ids', limits.maxAgentIdsPerCall, 'agent ids');
      agentIds.forEach((agentId, index) => requireMigId(agentId, `agent_ids[${index}]`));
      const action = await actions.get(actionId);
      const records = await permissions.check(action.id, agentIds, (action.operations ?? []).map((operation) => operation.module));
      const checked = records.map(operationPermission);
      return { permissions: checked, allAllowed: checked.every((permission) => permission.allowed) };
    },
  };
}

function operationPermission(record: OperationPermissionRecord): OperationPermission {
  const common = { agentId: record.agentId, operationIndex: record.operationIndex, module: record.module, signersWeight: record.signersWeight };
  if (record.permission === null || record.minimumWeight === null) {
    return { ...common, permission: '', minimumWeight: 0, allowed: false, reason: `agent ${record.agentId} has no permission for module ${record.module} nor a default one` };
  }
  const allowed = record.signersWeight >= record.minimumWeight;
  return {
    ...common,
    permission: record.permission,
    minimumWeight: record.minimumWeight,
    allowed,
    reason: allowed ? '' : `the signers' weight ${record.signersWeight} is below the minimum weight ${record.minimumWeight} of permission "${record.permission}" on agent ${record.agentId}`,
  };
}
