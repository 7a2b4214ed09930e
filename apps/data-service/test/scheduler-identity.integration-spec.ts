import { status, type ServiceDefinition } from '@grpc/grpc-js';
import { ActionServiceService, InvestigatorServiceService, PermissionServiceService } from '@mig-data/contract';
import { generateKeyPair } from '@mig-data/pgp';
import { action, grpcCode, heartbeat } from './support/fixtures';
import { registerTestInvestigator } from './support/signing';
import { startTestService, type TestService } from './support/test-service';
import { createLogger } from '../src/logging/logger';

/** The base64 lines of an armored key's body. */
function bodyLines(armored: string): string[] {
  return armored.split('\n').map((line) => line.trim()).filter((line) => /^[A-Za-z0-9+/=]{16,}$/.test(line));
}

describe("the scheduler's identity: generated key pair, signing on its behalf, private key never out", () => {
  let t: TestService;
  const logLines: string[] = [];
  /** Every response, serialized exactly as it goes on the wire, by RPC name. */
  const wire = new Map<string, Buffer[]>();

  beforeAll(async () => {
    t = await startTestService(undefined, createLogger('debug', (line) => logLines.push(line)));
  });
  afterAll(() => t.stop());

  async function call<Response>(service: ServiceDefinition, method: string, promise: Promise<Response>): Promise<Response> {
    const response = await promise;
    const serialized = service[method].responseSerialize(response);
    wire.set(method, [...(wire.get(method) ?? []), serialized]);
    return response;
  }

  it('creates, gets and signs with the scheduler identity; its signature is accepted by CreateAction; then no response or log carries the private key', async () => {
    const investigators = t.clients.investigators;
    const I = InvestigatorServiceService as unknown as ServiceDefinition;
    const A = ActionServiceService as unknown as ServiceDefinition;
    const P = PermissionServiceService as unknown as ServiceDefinition;

    expect((await grpcCode(investigators.getSchedulerInvestigator({}))).code).toBe(status.NOT_FOUND);
    const { investigator: scheduler } = await call(I, 'createSchedulerInvestigator', investigators.createSchedulerInvestigator({ name: '' }));
    expect(scheduler).toMatchObject({ name: 'migscheduler', status: 'active' });
    expect(scheduler!.pgpfingerprint).toMatch(/^[0-9A-F]{40}$/);
    const second = await grpcCode(investigators.createSchedulerInvestigator({ name: 'another scheduler' }));
    expect(second.code).toBe(status.ALREADY_EXISTS);
    expect(second.details).toContain(scheduler!.pgpfingerprint);

    const { rows: keys } = await t.sql.query(`SELECT id, convert_from(privatekey, 'UTF8') AS privatekey FROM investigators WHERE privatekey IS NOT NULL`);
    expect(keys).toHaveLength(1);
    expect(Number(keys[0].id)).toBe(scheduler!.id);
    const armoredPrivateKey: string = keys[0].privatekey;
    expect(armoredPrivateKey).toContain('-----BEGIN PGP PRIVATE KEY BLOCK-----');

    expect((await call(I, 'getSchedulerInvestigator', investigators.getSchedulerInvestigator({}))).investigator).toEqual(scheduler);
    const unsigned = action({ name: 'kill double agent', pgpsignatures: [] });
    const signed = await call(I, 'signActionAsScheduler', investigators.signActionAsScheduler({ action: unsigned }));
    expect(signed.action!.pgpsignatures).toEqual([signed.pgpsignature]);
    expect(signed.pgpsignature).toMatch(/^[A-Za-z0-9+/]+={0,2}=[A-Za-z0-9+/]{4}$/);

    const created = await call(A, 'createAction', t.clients.actions.createAction({ action: signed.action }));
    expect(created.action!.investigators).toEqual([{ id: scheduler!.id, name: 'migscheduler', pgpfingerprint: scheduler!.pgpfingerprint, status: 'active' }]);
    const actionId = created.action!.id;
    await call(A, 'getAction', t.clients.actions.getAction({ id: actionId }));
    await call(A, 'listActions', t.clients.actions.listActions({ pageSize: 0, pageToken: '' }));
    expect((await call(A, 'claimPendingActions', t.clients.actions.claimPendingActions({ limit: 10 }))).actions.map((a) => a.id)).toEqual([actionId]);
    await call(A, 'updateActionStatus', t.clients.actions.updateActionStatus({ id: actionId, status: 'preparing' }));
    await call(A, 'updateActionStatus', t.clients.actions.updateActionStatus({ id: actionId, status: 'inflight' }));
    await call(A, 'finishAction', t.clients.actions.finishAction({ id: actionId, finishtime: undefined, force: true }));

    // every other InvestigatorService RPC, answered about the scheduler
    const person = await registerTestInvestigator(t, 'Another Person');
    await call(I, 'createInvestigator', investigators.createInvestigator({ name: 'Third Person', publickey: (await generateKeyPair('Third Person', 'third@example.net', 'rsa2048')).armoredPublicKey }));
    await call(I, 'getInvestigator', investigators.getInvestigator({ id: scheduler!.id }));
    await call(I, 'getInvestigatorByFingerprint', investigators.getInvestigatorByFingerprint({ pgpfingerprint: scheduler!.pgpfingerprint }));
    await call(I, 'listInvestigators', investigators.listInvestigators({ pageSize: 0, pageToken: '' }));
    const signers = await call(I, 'listActionInvestigators', investigators.listActionInvestigators({ actionId, pageSize: 0, pageToken: '' }));
    expect(signers.investigators.map((i) => i.id)).toEqual([scheduler!.id]);
    await call(I, 'updateInvestigatorStatus', investigators.updateInvestigatorStatus({ id: person.id, status: 'disabled' }));

    // and the permission RPCs that name investigators
    const [agentId] = (await t.clients.agents.recordHeartbeats({ heartbeats: [heartbeat('scheduler-acl.example.net')] })).results.map((r) => r.agentId);
    await call(P, 'createModule', t.clients.permissions.createModule({ name: 'default' }));
    await call(P, 'listModules', t.clients.permissions.listModules({ pageSize: 0, pageToken: '' }));
    await call(P, 'setAgentModuleRequirement', t.clients.permissions.setAgentModuleRequirement({ agentId, module: 'default', minimumWeight: 1 }));
    await call(P, 'listAgentModuleRequirements', t.clients.permissions.listAgentModuleRequirements({ agentId, pageSize: 0, pageToken: '' }));
    await call(P, 'setInvestigatorModulePermission', t.clients.permissions.setInvestigatorModulePermission({ investigatorId: scheduler!.id, agentId, module: 'default', weight: 1 }));
    await call(P, 'listInvestigatorModulePermissions', t.clients.permissions.listInvestigatorModulePermissions({ investigatorId: scheduler!.id, pageSize: 0, pageToken: '' }));
    const check = await call(P, 'checkActionPermissions', t.clients.permissions.checkActionPermissions({ actionId, agentIds: [agentId] }));
    expect(check.allAllowed).toBe(true);

    // A disabled scheduler identity signs nothing.
    await call(I, 'updateInvestigatorStatus', investigators.updateInvestigatorStatus({ id: scheduler!.id, status: 'disabled' }));
    expect((await grpcCode(investigators.signActionAsScheduler({ action: unsigned }))).code).toBe(status.FAILED_PRECONDITION);

    // Every RPC of the services that handle investigators was called and serialized above.
    const rpcs = [InvestigatorServiceService, ActionServiceService, PermissionServiceService].flatMap((service) => Object.keys(service));
    expect(rpcs.filter((method) => !wire.has(method))).toEqual([]);

    // The private key's armor embeds the public part, which may appear; none of its full lines
    // that the public key does not contain may, on the wire or in the log.
    const secretLines = bodyLines(armoredPrivateKey).filter((line) => line.length >= 40 && !scheduler!.publickey.includes(line));
    expect(secretLines.length).toBeGreaterThan(5);
    const everything = [...[...wire.values()].flat().map((bytes) => bytes.toString('latin1')), second.details, ...logLines];
    for (const text of everything) {
      expect(text).not.toContain('PRIVATE KEY');
      for (const line of secretLines) expect(text.includes(line)).toBe(false);
    }
    expect(logLines.length).toBeGreaterThan(0);
  });
});
