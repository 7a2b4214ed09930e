import { status } from '@grpc/grpc-js';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { grpcCode, heartbeat } from './support/fixtures';
import { startTestService, type TestService } from './support/test-service';

/**
 * The contract marks the request fields a caller must set with a comment starting "Required."
 * (proto/README.md). Here every such field, left unset (zero, empty or missing) with the rest of
 * the request valid, is refused with INVALID_ARGUMENT naming that field; and the table of calls
 * below covers exactly the fields the .proto files mark, so a new "Required." needs a refusal
 * here and a refusal here needs the comment.
 */
const PROTO_DIR = join(__dirname, '..', '..', '..', 'proto', 'mig', 'data', 'v1');

/** `Message.field` for every field whose leading comment starts with "Required". */
function fieldsMarkedRequired(): string[] {
  const marked: string[] = [];
  for (const file of readdirSync(PROTO_DIR).filter((name) => name.endsWith('.proto'))) {
    let message = '';
    let comment: string[] = [];
    for (const line of readFileSync(join(PROTO_DIR, file), 'utf8').split('\n')) {
      const opened = /^message (\w+) \{/.exec(line);
      if (opened) message = opened[1];
      const commentLine = /^\s*\/\/ ?(.*)$/.exec(line);
      if (commentLine) {
        comment.push(commentLine[1]);
        continue;
      }
      const field = /^ {2}(?:optional |repeated )?[\w.]+ (\w+) = \d+;/.exec(line);
      if (field && /^Required\b/.test(comment[0] ?? '')) marked.push(`${message}.${field[1]}`);
      comment = [];
    }
  }
  return marked.sort();
}

type Refusal = { field: string; call: (t: TestService) => Promise<unknown> };

const withHeartbeat = (overrides: Record<string, unknown>) => (t: TestService) => t.clients.agents.recordHeartbeat({ heartbeat: { ...heartbeat('required.example.net'), ...overrides } });
const PAGE = { pageSize: 0, pageToken: '' };
const LATER = new Date(Date.now() + 3_600_000);

const REFUSALS: Record<string, Refusal> = {
  'CreateActionRequest.action': { field: 'action', call: (t) => t.clients.actions.createAction({ action: undefined }) },
  'GetActionRequest.id': { field: 'id', call: (t) => t.clients.actions.getAction({ id: 0, decompressParameters: undefined }) },
  'UpdateActionStatusRequest.id': { field: 'id', call: (t) => t.clients.actions.updateActionStatus({ id: 0, status: 'cancelled' }) },
  'UpdateActionStatusRequest.status': { field: 'status', call: (t) => t.clients.actions.updateActionStatus({ id: 1, status: '' }) },
  'ClaimPendingActionsRequest.limit': { field: 'limit', call: (t) => t.clients.actions.claimPendingActions({ limit: 0 }) },
  'FinishActionRequest.id': { field: 'id', call: (t) => t.clients.actions.finishAction({ id: 0, finishtime: undefined, force: false }) },

  'RecordHeartbeatRequest.heartbeat': { field: 'heartbeat', call: (t) => t.clients.agents.recordHeartbeat({ heartbeat: undefined }) },
  'Heartbeat.name': { field: 'heartbeat.name', call: withHeartbeat({ name: '' }) },
  'Heartbeat.queueloc': { field: 'heartbeat.queueloc', call: withHeartbeat({ queueloc: '' }) },
  'Heartbeat.mode': { field: 'heartbeat.mode', call: withHeartbeat({ mode: '' }) },
  'Heartbeat.version': { field: 'heartbeat.version', call: withHeartbeat({ version: '' }) },
  'Heartbeat.pid': { field: 'heartbeat.pid', call: withHeartbeat({ pid: 0 }) },
  'Heartbeat.starttime': { field: 'heartbeat.starttime', call: withHeartbeat({ starttime: undefined }) },
  'RecordHeartbeatsRequest.heartbeats': { field: 'heartbeats', call: (t) => t.clients.agents.recordHeartbeats({ heartbeats: [] }) },
  'GetAgentRequest.id': { field: 'id', call: (t) => t.clients.agents.getAgent({ id: 0 }) },

  'GetCommandRequest.id': { field: 'id', call: (t) => t.clients.commands.getCommand({ id: 0 }) },
  'ListCommandsRequest.action_id': { field: 'action_id', call: (t) => t.clients.commands.listCommands({ actionId: 0, ...PAGE }) },
  'MarkCommandSentRequest.id': { field: 'id', call: (t) => t.clients.commands.markCommandSent({ id: 0 }) },
  'FinishCommandRequest.id': { field: 'id', call: (t) => t.clients.commands.finishCommand({ id: 0, status: 'success', results: [], finishtime: undefined, agentQueueloc: 'q', agentPid: 1 }) },
  'FinishCommandRequest.status': { field: 'status', call: (t) => t.clients.commands.finishCommand({ id: 1, status: '', results: [], finishtime: undefined, agentQueueloc: 'q', agentPid: 1 }) },
  'FinishCommandRequest.agent_queueloc': {
    field: 'agent_queueloc',
    call: (t) => t.clients.commands.finishCommand({ id: 1, status: 'success', results: [], finishtime: undefined, agentQueueloc: '', agentPid: 1 }),
  },
  'FinishCommandRequest.agent_pid': { field: 'agent_pid', call: (t) => t.clients.commands.finishCommand({ id: 1, status: 'success', results: [], finishtime: undefined, agentQueueloc: 'q', agentPid: 0 }) },

  'ListActiveAgentsRequest.since': { field: 'since', call: (t) => t.clients.fleet.listActiveAgents({ since: undefined, ...PAGE }) },
  'ListMultiAgentQueuesRequest.since': { field: 'since', call: (t) => t.clients.fleet.listMultiAgentQueues({ since: undefined, ...PAGE }) },
  'ListActiveAgentsByQueueRequest.queueloc': { field: 'queueloc', call: (t) => t.clients.fleet.listActiveAgentsByQueue({ queueloc: '', since: new Date(), ...PAGE }) },
  'ListActiveAgentsByQueueRequest.since': { field: 'since', call: (t) => t.clients.fleet.listActiveAgentsByQueue({ queueloc: 'q', since: undefined, ...PAGE }) },
  'MarkIdleAgentsRequest.heartbeat_before': { field: 'heartbeat_before', call: (t) => t.clients.fleet.markIdleAgents({ heartbeatBefore: undefined }) },
  'MarkOfflineAgentsRequest.heartbeat_before': { field: 'heartbeat_before', call: (t) => t.clients.fleet.markOfflineAgents({ heartbeatBefore: undefined }) },
  'MarkAgentUpgradedRequest.id': { field: 'id', call: (t) => t.clients.fleet.markAgentUpgraded({ id: 0 }) },
  'MarkAgentDestroyedRequest.id': { field: 'id', call: (t) => t.clients.fleet.markAgentDestroyed({ id: 0, destructiontime: undefined }) },

  'CreateInvestigatorRequest.name': { field: 'name', call: (t) => t.clients.investigators.createInvestigator({ name: '', publickey: 'not checked before the name' }) },
  'CreateInvestigatorRequest.publickey': { field: 'publickey', call: (t) => t.clients.investigators.createInvestigator({ name: 'Required', publickey: '' }) },
  'GetInvestigatorRequest.id': { field: 'id', call: (t) => t.clients.investigators.getInvestigator({ id: 0 }) },
  'GetInvestigatorByFingerprintRequest.pgpfingerprint': { field: 'pgpfingerprint', call: (t) => t.clients.investigators.getInvestigatorByFingerprint({ pgpfingerprint: '' }) },
  'ListActionInvestigatorsRequest.action_id': { field: 'action_id', call: (t) => t.clients.investigators.listActionInvestigators({ actionId: 0, ...PAGE }) },
  'UpdateInvestigatorStatusRequest.id': { field: 'id', call: (t) => t.clients.investigators.updateInvestigatorStatus({ id: 0, status: 'active' }) },
  'UpdateInvestigatorStatusRequest.status': { field: 'status', call: (t) => t.clients.investigators.updateInvestigatorStatus({ id: 1, status: '' }) },
  'SignActionAsSchedulerRequest.action': { field: 'action', call: (t) => t.clients.investigators.signActionAsScheduler({ action: undefined }) },

  'CreateModuleRequest.name': { field: 'name', call: (t) => t.clients.permissions.createModule({ name: '' }) },
  'SetAgentModuleRequirementRequest.agent_id': { field: 'agent_id', call: (t) => t.clients.permissions.setAgentModuleRequirement({ agentId: 0, module: 'file', minimumWeight: 1 }) },
  'SetAgentModuleRequirementRequest.module': { field: 'module', call: (t) => t.clients.permissions.setAgentModuleRequirement({ agentId: 1, module: '', minimumWeight: 1 }) },
  'SetAgentModuleRequirementRequest.minimum_weight': { field: 'minimum_weight', call: (t) => t.clients.permissions.setAgentModuleRequirement({ agentId: 1, module: 'file', minimumWeight: 0 }) },
  'ListAgentModuleRequirementsRequest.agent_id': { field: 'agent_id', call: (t) => t.clients.permissions.listAgentModuleRequirements({ agentId: 0, ...PAGE }) },
  'SetInvestigatorModulePermissionRequest.investigator_id': {
    field: 'investigator_id',
    call: (t) => t.clients.permissions.setInvestigatorModulePermission({ investigatorId: 0, agentId: 1, module: 'file', weight: 1 }),
  },
  'SetInvestigatorModulePermissionRequest.agent_id': {
    field: 'agent_id',
    call: (t) => t.clients.permissions.setInvestigatorModulePermission({ investigatorId: 1, agentId: 0, module: 'file', weight: 1 }),
  },
  'SetInvestigatorModulePermissionRequest.module': {
    field: 'module',
    call: (t) => t.clients.permissions.setInvestigatorModulePermission({ investigatorId: 1, agentId: 1, module: '', weight: 1 }),
  },
  'ListInvestigatorModulePermissionsRequest.investigator_id': {
    field: 'investigator_id',
    call: (t) => t.clients.permissions.listInvestigatorModulePermissions({ investigatorId: 0, agentId: undefined, ...PAGE }),
  },
  'CheckActionPermissionsRequest.action_id': { field: 'action_id', call: (t) => t.clients.permissions.checkActionPermissions({ actionId: 0, agentIds: [1] }) },
  'CheckActionPermissionsRequest.agent_ids': { field: 'agent_ids', call: (t) => t.clients.permissions.checkActionPermissions({ actionId: 1, agentIds: [] }) },
};

describe('required request fields', () => {
  let t: TestService;
  beforeAll(async () => {
    t = await startTestService();
  });
  afterAll(() => t.stop());

  it('the refusals below cover exactly the fields the contract marks "Required."', () => {
    expect(Object.keys(REFUSALS).sort()).toEqual(fieldsMarkedRequired());
  });

  it.each(Object.entries(REFUSALS))('%s unset is INVALID_ARGUMENT naming it', async (_, { field, call }) => {
    const refused = await grpcCode(call(t));
    expect(refused.code).toBe(status.INVALID_ARGUMENT);
    expect(refused.details).toMatch(new RegExp(`^${field.replace(/[.[\]]/g, '\\$&')}:`));
  });

  it('a request with every required field set is not refused for them (a control for the table above)', async () => {
    await expect(t.clients.fleet.listActiveAgentsByQueue({ queueloc: 'q', since: new Date(), ...PAGE })).resolves.toMatchObject({ agents: [] });
    await expect(t.clients.fleet.markIdleAgents({ heartbeatBefore: new Date(0) })).resolves.toMatchObject({ markedCount: 0 });
    await expect(withHeartbeat({ heartbeatts: undefined })(t)).resolves.toMatchObject({ registered: true });
    expect((await grpcCode(t.clients.actions.finishAction({ id: 1, finishtime: LATER, force: false }))).code).toBe(status.NOT_FOUND);
  });
});
