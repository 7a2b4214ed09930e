import { readActionSignature } from '@mig-data/pgp';
import type { LogFields } from '../logging/logger';

/**
 * The audit trail: for every successful change of who may do what (investigators, modules,
 * permissions) or of what runs where (actions, commands, the scheduler's signature), the ids
 * involved and the signers' fingerprints, read from the call's request and answer. Only ids,
 * names, fingerprints and statuses: never a key, a signature or an operation's parameters.
 */
type Message = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
type AuditFields = LogFields & { event: string };
type AuditEntry = (request: Message, response: Message) => AuditFields | Promise<AuditFields>;

const fingerprints = (action: Message | undefined): string[] => ((action?.investigators ?? []) as Message[]).map((signer) => signer.pgpfingerprint);

const investigatorFields = (investigator: Message | undefined) => ({
  investigatorId: investigator?.id,
  investigatorName: investigator?.name,
  fingerprint: investigator?.pgpfingerprint,
  status: investigator?.status,
});

/** Keyed like RPC_ROLES, by the method path without its leading slash. */
export const AUDITED: Readonly<Record<string, AuditEntry>> = {
  'mig.data.v1.InvestigatorService/CreateInvestigator': (_, { investigator }) => ({ event: 'investigator created', ...investigatorFields(investigator), permissions: investigator?.permissions }),
  'mig.data.v1.InvestigatorService/UpdateInvestigatorStatus': (_, { investigator }) => ({ event: 'investigator status set', ...investigatorFields(investigator) }),
  'mig.data.v1.InvestigatorService/CreateSchedulerInvestigator': (_, { investigator }) => ({ event: 'scheduler investigator created', ...investigatorFields(investigator) }),
  // The action is not stored yet: the new signature names the scheduler's key (the low 64 bits of its fingerprint).
  'mig.data.v1.InvestigatorService/SignActionAsScheduler': async (_, { action, pgpsignature }) => ({
    event: 'action signed by the scheduler',
    actionName: action?.name,
    target: action?.target,
    signerKeyIds: (await readActionSignature(pgpsignature)).signingKeyIds,
    signers: fingerprints(action),
  }),
  'mig.data.v1.ActionService/CreateAction': (_, { action }) => ({ event: 'action created', actionId: action?.id, actionName: action?.name, target: action?.target, signers: fingerprints(action) }),
  'mig.data.v1.ActionService/UpdateActionStatus': (request, { action }) => ({ event: 'action status set', actionId: action?.id ?? request.id, status: action?.status ?? request.status, signers: fingerprints(action) }),
  'mig.data.v1.CommandService/CreateCommands': (request, response) => ({ event: 'commands created', actionId: request.actionId, agents: (request.agentIds ?? []).length, created: response.createdCount }),
  'mig.data.v1.PermissionService/CreateModule': (_, { module }) => ({ event: 'module created', moduleId: module?.id, module: module?.name }),
  'mig.data.v1.PermissionService/SetAgentModuleRequirement': (request) => ({ event: 'agent module requirement set', agentId: request.agentId, module: request.module, minimumWeight: request.minimumWeight }),
  'mig.data.v1.PermissionService/SetInvestigatorModulePermission': (request, { permission }) => ({
    event: 'investigator permission set',
    investigatorId: permission?.investigatorId ?? request.investigatorId,
    agentId: permission?.agentId ?? request.agentId,
    module: permission?.module ?? request.module,
    weight: permission?.weight ?? request.weight,
  }),
};
