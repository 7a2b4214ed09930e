import { status } from '@grpc/grpc-js';
import { grpcCode, heartbeat } from './support/fixtures';
import { registerTestInvestigator, signedAction, type TestInvestigator } from './support/signing';
import { startTestService, type TestService } from './support/test-service';

describe('PermissionService: modules, weights and the ACL check', () => {
  let t: TestService;
  let alice: TestInvestigator;
  let bob: TestInvestigator;
  let strict: number; // file needs weight 2, anything else weight 1 (default)
  let lenient: number; // only a default of weight 1
  let unguarded: number; // no permission at all

  beforeAll(async () => {
    t = await startTestService();
    [alice, bob] = await Promise.all([registerTestInvestigator(t, 'Alice'), registerTestInvestigator(t, 'Bob')]);
    const { results } = await t.clients.agents.recordHeartbeats({ heartbeats: ['strict', 'lenient', 'unguarded'].map((name) => heartbeat(`${name}.example.net`)) });
    [strict, lenient, unguarded] = results.map((result) => result.agentId);
  });
  afterAll(() => t.stop());

  it('creates modules once each and lists them by name', async () => {
    for (const name of ['netstat', 'file', 'default']) await t.clients.permissions.createModule({ name });
    expect((await grpcCode(t.clients.permissions.createModule({ name: 'file' }))).code).toBe(status.ALREADY_EXISTS);
    expect((await grpcCode(t.clients.permissions.createModule({ name: '' }))).details).toContain('name: must not be empty');
    const { modules } = await t.clients.permissions.listModules({ pageSize: 0, pageToken: '' });
    expect(modules.map((m) => m.name)).toEqual(['default', 'file', 'netstat']);
  });

  it('sets minimum weights per agent and module, refusing a weight below 1 and unknown modules or agents', async () => {
    const requirements = t.clients.permissions;
    await requirements.setAgentModuleRequirement({ agentId: strict, module: 'file', minimumWeight: 3 });
    const replaced = await requirements.setAgentModuleRequirement({ agentId: strict, module: 'file', minimumWeight: 2 });
    expect(replaced.requirement).toMatchObject({ agentId: strict, module: 'file', minimumWeight: 2 });
    await requirements.setAgentModuleRequirement({ agentId: strict, module: 'default', minimumWeight: 1 });
    await requirements.setAgentModuleRequirement({ agentId: lenient, module: 'default', minimumWeight: 1 });
    expect((await requirements.listAgentModuleRequirements({ agentId: strict, pageSize: 0, pageToken: '' })).requirements.map((r) => [r.module, r.minimumWeight])).toEqual([['default', 1], ['file', 2]]);

    for (const minimumWeight of [0, -1]) {
      const refused = await grpcCode(requirements.setAgentModuleRequirement({ agentId: strict, module: 'file', minimumWeight }));
      expect(refused).toEqual({ code: status.INVALID_ARGUMENT, details: expect.stringContaining('minimum_weight: must be at least 1') });
    }
    expect((await grpcCode(requirements.setAgentModuleRequirement({ agentId: strict, module: 'memory', minimumWeight: 1 }))).code).toBe(status.NOT_FOUND);
    expect((await grpcCode(requirements.setAgentModuleRequirement({ agentId: 424_242, module: 'file', minimumWeight: 1 }))).details).toContain('agent 424242');
    const { rows } = await t.sql.query(`SELECT count(*)::int AS n FROM agtmodreq WHERE minimumweight < 1`);
    expect(rows[0].n).toBe(0);
  });

  it('sets investigator weights per agent and module', async () => {
    const permissions = t.clients.permissions;
    await permissions.setInvestigatorModulePermission({ investigatorId: alice.id, agentId: strict, module: 'file', weight: 1 });
    await permissions.setInvestigatorModulePermission({ investigatorId: alice.id, agentId: strict, module: 'default', weight: 1 });
    await permissions.setInvestigatorModulePermission({ investigatorId: alice.id, agentId: lenient, module: 'default', weight: 1 });
    await permissions.setInvestigatorModulePermission({ investigatorId: bob.id, agentId: strict, module: 'file', weight: 1 });
    const { permissions: alices } = await permissions.listInvestigatorModulePermissions({ investigatorId: alice.id, agentId: strict, pageSize: 0, pageToken: '' });
    expect(alices.map((p) => [p.module, p.weight])).toEqual([['default', 1], ['file', 1]]);

    expect((await grpcCode(permissions.setInvestigatorModulePermission({ investigatorId: alice.id, agentId: strict, module: 'file', weight: -1 }))).details).toContain('weight: must be 0 or more');
    expect((await grpcCode(permissions.setInvestigatorModulePermission({ investigatorId: 777_777, agentId: strict, module: 'file', weight: 1 }))).details).toContain('investigator 777777');
  });

  it('allows an operation when the distinct active signers reach the minimum weight, with default as fallback', async () => {
    const byAlice = (await t.clients.actions.createAction({ action: await signedAction(t, { name: 'alice alone', operations: twoOperations() }, [alice]) })).action!;
    const alone = await t.clients.permissions.checkActionPermissions({ actionId: byAlice.id, agentIds: [strict, lenient, unguarded] });
    expect(alone.allAllowed).toBe(false);
    expect(alone.permissions.map((p) => [p.agentId, p.module, p.permission, p.minimumWeight, p.signersWeight, p.allowed])).toEqual([
      [strict, 'file', 'file', 2, 1, false],
      [strict, 'netstat', 'default', 1, 1, true],
      [lenient, 'file', 'default', 1, 1, true],
      [lenient, 'netstat', 'default', 1, 1, true],
      [unguarded, 'file', '', 0, 0, false],
      [unguarded, 'netstat', '', 0, 0, false],
    ]);
    expect(alone.permissions[0].reason).toContain('below the minimum weight 2');
    expect(alone.permissions[4].reason).toContain('no permission for module file nor a default one');

    const byBoth = (await t.clients.actions.createAction({ action: await signedAction(t, { name: 'alice and bob', operations: twoOperations() }, [alice, bob]) })).action!;
    const together = await t.clients.permissions.checkActionPermissions({ actionId: byBoth.id, agentIds: [strict] });
    expect(together.permissions.map((p) => [p.module, p.signersWeight, p.allowed])).toEqual([
      ['file', 2, true],
      ['netstat', 1, true],
    ]);
    expect(together.allAllowed).toBe(true);

    // A signer disabled since no longer counts.
    await t.clients.investigators.updateInvestigatorStatus({ id: bob.id, status: 'disabled' });
    const withoutBob = await t.clients.permissions.checkActionPermissions({ actionId: byBoth.id, agentIds: [strict, strict] });
    expect(withoutBob.permissions.map((p) => [p.module, p.signersWeight, p.allowed])).toEqual([
      ['file', 1, false],
      ['netstat', 1, true],
    ]);
    await t.clients.investigators.updateInvestigatorStatus({ id: bob.id, status: 'active' });
  });

  it('answers NOT_FOUND for an unknown action and INVALID_ARGUMENT without agents', async () => {
    expect((await grpcCode(t.clients.permissions.checkActionPermissions({ actionId: 31_337, agentIds: [strict] }))).code).toBe(status.NOT_FOUND);
    expect((await grpcCode(t.clients.permissions.checkActionPermissions({ actionId: 31_337, agentIds: [] }))).details).toContain('agent_ids');
  });
});

function twoOperations() {
  return [
    { module: 'file', parameters: { searches: { s1: { names: ['fusermount'] } } } },
    { module: 'netstat', parameters: { connectedip: ['10.0.0.1'] } },
  ];
}
