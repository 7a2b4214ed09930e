import { status } from '@grpc/grpc-js';
import { grpcCode, heartbeat } from './support/fixtures';
import { registerTestInvestigator, signedAction, type TestInvestigator } from './support/signing';
import { startTestService, type TestService } from './support/test-service';
import { walk } from './support/walk-pages';

/**
 * The lists v1 settled on paging (they returned everything at once before): an action's signers,
 * an agent's module requirements, an investigator's weights, the scheduler's multi-agent queues
 * and one queue's live agents. Each is walked in small pages while writers change the rows
 * between pages, and must return every row that existed throughout exactly once, in its key's
 * order; a token only continues the listing (and filters) it was issued for.
 */
describe('every list is paged by a key its writers never move', () => {
  let t: TestService;
  let signers: TestInvestigator[];
  const MODULES = Array.from({ length: 12 }, (_, i) => `module${String(i).padStart(2, '0')}`);
  let agentIds: number[];

  beforeAll(async () => {
    t = await startTestService();
    signers = await Promise.all(['Ann', 'Ben', 'Cat', 'Dan', 'Eve'].map((name) => registerTestInvestigator(t, name)));
    for (const name of MODULES) await t.clients.permissions.createModule({ name });
    const { results } = await t.clients.agents.recordHeartbeats({ heartbeats: ['acl1', 'acl2', 'acl3'].map((host) => heartbeat(`${host}.example.net`)) });
    agentIds = results.map((result) => result.agentId);
  }, 120_000);
  afterAll(() => t.stop());

  it("ListActionInvestigators: an action's five signers in pages of 2, by id, while signers are disabled and re-enabled", async () => {
    const { action } = await t.clients.actions.createAction({ action: await signedAction(t, {}, signers) });
    const actionId = action!.id;
    const pages: number[] = [];
    const seen = await walk(
      async (pageToken) => {
        const page = await t.clients.investigators.listActionInvestigators({ actionId, pageSize: 2, pageToken });
        pages.push(page.investigators.length);
        return { rows: page.investigators.map((investigator) => investigator.id), nextPageToken: page.nextPageToken };
      },
      async (pageIndex) => {
        await t.clients.investigators.updateInvestigatorStatus({ id: signers[pageIndex].id, status: pageIndex % 2 === 0 ? 'disabled' : 'active' });
      },
    );
    expect(seen).toEqual(signers.map((signer) => signer.id).sort((a, b) => a - b));
    expect(pages).toEqual([2, 2, 1]);
    await Promise.all(signers.map((signer) => t.clients.investigators.updateInvestigatorStatus({ id: signer.id, status: 'active' })));

    // The token is bound to its action: another action's listing refuses it.
    const first = await t.clients.investigators.listActionInvestigators({ actionId, pageSize: 2, pageToken: '' });
    const other = await t.clients.actions.createAction({ action: await signedAction(t, {}, signers.slice(0, 1)) });
    const refused = await grpcCode(t.clients.investigators.listActionInvestigators({ actionId: other.action!.id, pageSize: 2, pageToken: first.nextPageToken }));
    expect(refused).toEqual({ code: status.INVALID_ARGUMENT, details: expect.stringContaining('page_token: was issued for other filters than this request\'s (action_id)') });
    // Every signer fits the default page.
    const all = await t.clients.investigators.listActionInvestigators({ actionId, pageSize: 0, pageToken: '' });
    expect(all).toMatchObject({ investigators: expect.arrayContaining([expect.objectContaining({ id: signers[4].id })]), nextPageToken: '' });
  }, 60_000);

  it("ListAgentModuleRequirements: an agent's 12 requirements in pages of 5, by module name, while their weights change and others are added", async () => {
    const [agentId] = agentIds;
    for (const module of MODULES) await t.clients.permissions.setAgentModuleRequirement({ agentId, module, minimumWeight: 1 });
    const seen = await walk(
      async (pageToken) => {
        const page = await t.clients.permissions.listAgentModuleRequirements({ agentId, pageSize: 5, pageToken });
        return { rows: page.requirements.map((requirement) => requirement.module), nextPageToken: page.nextPageToken };
      },
      async (pageIndex) => {
        // Weights change everywhere; a module created meanwhile sorts before the reader.
        for (const module of MODULES) await t.clients.permissions.setAgentModuleRequirement({ agentId, module, minimumWeight: pageIndex + 2 });
        const early = `early${pageIndex}`;
        await t.clients.permissions.createModule({ name: early });
        await t.clients.permissions.setAgentModuleRequirement({ agentId, module: early, minimumWeight: 1 });
      },
    );
    expect(seen).toEqual(MODULES);
    const { rows } = await t.sql.query(`SELECT m.name FROM agtmodreq r JOIN modules m ON m.id = r.moduleid WHERE r.agentid = $1 ORDER BY m.name`, [agentId]);
    expect(rows).toHaveLength(MODULES.length + 3);
    const refused = await grpcCode(t.clients.permissions.listAgentModuleRequirements({ agentId: -1, pageSize: 0, pageToken: '' }));
    expect(refused).toEqual({ code: status.INVALID_ARGUMENT, details: expect.stringMatching(/^agent_id:/) });
  });

  it("ListInvestigatorModulePermissions: 36 weights in pages of 7, by agent then module, while they change; one agent's only with agent_id", async () => {
    const investigatorId = signers[0].id;
    for (const agentId of agentIds) {
      for (const module of MODULES) await t.clients.permissions.setInvestigatorModulePermission({ investigatorId, agentId, module, weight: 1 });
    }
    const expected = [...agentIds].sort((a, b) => a - b).flatMap((agentId) => MODULES.map((module) => `${agentId} ${module}`));
    const seen = await walk(
      async (pageToken) => {
        const page = await t.clients.permissions.listInvestigatorModulePermissions({ investigatorId, pageSize: 7, pageToken });
        return { rows: page.permissions.map((weight) => `${weight.agentId} ${weight.module}`), nextPageToken: page.nextPageToken };
      },
      async (pageIndex) => {
        for (const agentId of agentIds) await t.clients.permissions.setInvestigatorModulePermission({ investigatorId, agentId, module: MODULES[pageIndex % MODULES.length], weight: pageIndex });
      },
    );
    expect(seen).toEqual(expected);

    const oneAgent = await walk(async (pageToken) => {
      const page = await t.clients.permissions.listInvestigatorModulePermissions({ investigatorId, agentId: agentIds[1], pageSize: 5, pageToken });
      return { rows: page.permissions.map((weight) => `${weight.agentId} ${weight.module}`), nextPageToken: page.nextPageToken };
    });
    expect(oneAgent).toEqual(MODULES.map((module) => `${agentIds[1]} ${module}`));

    const first = await t.clients.permissions.listInvestigatorModulePermissions({ investigatorId, agentId: agentIds[1], pageSize: 5, pageToken: '' });
    const refused = await grpcCode(t.clients.permissions.listInvestigatorModulePermissions({ investigatorId, agentId: agentIds[2], pageSize: 5, pageToken: first.nextPageToken }));
    expect(refused).toEqual({ code: status.INVALID_ARGUMENT, details: expect.stringContaining('(investigator_id, agent_id)') });
  });

  it('ListMultiAgentQueues: 25 doubled queues in pages of 10, by queueloc, while their agents heartbeat and new doubled queues appear', async () => {
    const since = new Date(Date.now() - 60_000);
    const queueOf = (index: number) => `linux.doubled${String(index).padStart(2, '0')}.example.net`;
    const doubled = (index: number, pid: number) => heartbeat(`doubled${index}.example.net`, { queueloc: queueOf(index), pid });
    await t.clients.agents.recordHeartbeats({ heartbeats: Array.from({ length: 25 }, (_, i) => [doubled(i, 1), doubled(i, 2)]).flat() });
    let extra = 0;
    const seen = await walk(
      async (pageToken) => {
        const page = await t.clients.fleet.listMultiAgentQueues({ since, pageSize: 10, pageToken });
        return { rows: page.queuelocs, nextPageToken: page.nextPageToken };
      },
      async () => {
        // Every doubled queue heartbeats again, and one more queue doubles at the front of the order.
        await t.clients.agents.recordHeartbeats({ heartbeats: Array.from({ length: 25 }, (_, i) => doubled(i, 1)) });
        const front = `linux.a-front${extra++}.example.net`;
        await t.clients.agents.recordHeartbeats({ heartbeats: [1, 2].map((pid) => heartbeat(front, { queueloc: front, pid })) });
      },
    );
    expect(seen.filter((queueloc) => queueloc.includes('doubled'))).toEqual(Array.from({ length: 25 }, (_, i) => queueOf(i)));
    expect(new Set(seen).size).toBe(seen.length);
  });

  it("ListActiveAgentsByQueue: a queue's 12 live agents in pages of 5, newest id first, while each heartbeats between pages", async () => {
    const queueloc = 'linux.crowded.example.net';
    const since = new Date(Date.now() - 60_000);
    const beat = (pid: number) => heartbeat('crowded.example.net', { queueloc, pid, heartbeatts: new Date() });
    const { results } = await t.clients.agents.recordHeartbeats({ heartbeats: Array.from({ length: 12 }, (_, i) => beat(i + 1)) });
    const ids = results.map((result) => result.agentId);
    const seen = await walk(
      async (pageToken) => {
        const page = await t.clients.fleet.listActiveAgentsByQueue({ queueloc, since, pageSize: 5, pageToken });
        return { rows: page.agents.map((agent) => agent.id), nextPageToken: page.nextPageToken };
      },
      async () => {
        // Every agent heartbeats again, oldest first: in heartbeat order they would swap places
        // under the reader (the order this list had before it was paged).
        for (let pid = 1; pid <= 12; pid++) await t.clients.agents.recordHeartbeat({ heartbeat: beat(pid) });
      },
    );
    expect(seen).toEqual([...ids].sort((a, b) => b - a));
    const refused = await grpcCode(t.clients.fleet.listActiveAgentsByQueue({ queueloc: 'linux.other.example.net', since, pageSize: 5, pageToken: (await t.clients.fleet.listActiveAgentsByQueue({ queueloc, since, pageSize: 5, pageToken: '' })).nextPageToken }));
    expect(refused).toEqual({ code: status.INVALID_ARGUMENT, details: expect.stringContaining('(queueloc, since)') });
  });
});
