import { credentials, Metadata, status, Client } from '@grpc/grpc-js';
import { Heartbeat, RecordHeartbeatRequest, Timestamp, type Action } from '@mig-data/contract';
import type { DataServiceClients } from '@mig-data/client';
import { createLogger } from '../src/logging/logger';
import { heartbeat } from './support/fixtures';
import { anotherCaller, refusalWhileOthersCall, rowCounts } from './support/harmless-refusal';
import { signedAction } from './support/signing';
import { startTestService, type TestService } from './support/test-service';
import { expandedAgents } from './support/expansion';

const NUL = '\u0000';
/** Caps low enough to cross in a test; the defaults are in the configuration (see --help). */
const CAPS = {
  MIG_DATA_MAX_AGENT_JSON_BYTES: '4096',
  MIG_DATA_MAX_ACTION_JSON_BYTES: '65536',
  MIG_DATA_MAX_HEARTBEATS_PER_CALL: '50',
  MIG_DATA_MAX_AGENT_IDS_PER_CALL: '1000',
  MIG_DATA_MAX_REQUEST_BYTES: String(1024 * 1024),
};

describe('bad input is refused before anything is stored, and others keep being served', () => {
  let t: TestService;
  let other: DataServiceClients;
  const logLines: string[] = [];
  let agentId: number;
  let actionId: number;
  let commandId: number;
  let signed: Action;

  beforeAll(async () => {
    t = await startTestService(undefined, createLogger('warn', (line) => logLines.push(line)), CAPS);
    other = anotherCaller(t);
    ({ agentId } = await t.clients.agents.recordHeartbeat({ heartbeat: heartbeat('good.example.net') }));
    signed = await signedAction(t);
    actionId = (await t.clients.actions.createAction({ action: signed })).action!.id;
    commandId = (await t.clients.commands.createCommands({ actionId, agentIds: [agentId], starttime: undefined })).commandIds[0];
  });
  afterAll(async () => {
    other.close();
    await t.stop();
  });

  /** The call fails with `code` and a message matching `details`, nothing changes, and GetAgent stays fast for another caller. */
  async function expectRefused(call: () => Promise<unknown>, code: status, details: RegExp): Promise<string> {
    const before = await rowCounts(t);
    const refusal = await refusalWhileOthersCall(t, other, agentId, call);
    expect({ code: refusal.code, details: refusal.details }).toEqual({ code, details: expect.stringMatching(details) });
    expect(refusal.details.length).toBeLessThan(1100);
    expect(refusal.slowestOtherCallMs).toBeLessThan(1000);
    expect(await rowCounts(t)).toEqual(before);
    return refusal.details;
  }

  describe('NUL characters', () => {
    it('is refused in a heartbeat environment, naming the field', async () => {
      const hostile = heartbeat('nul.example.net', { environment: { ...heartbeat('x').environment!, ident: `Ubuntu${NUL}` } });
      await expectRefused(() => t.clients.agents.recordHeartbeat({ heartbeat: hostile }), status.INVALID_ARGUMENT, /^heartbeat\.environment\.ident: must not contain NUL/);
    });

    it('is refused in tags, in keys and in nested strings, naming the heartbeat and the path', async () => {
      const good = heartbeat('fine.example.net');
      await expectRefused(
        () => t.clients.agents.recordHeartbeats({ heartbeats: [good, heartbeat('nul.example.net', { tags: { owner: ['IT', `a${NUL}b`] } })] }),
        status.INVALID_ARGUMENT,
        /^heartbeats\[1\]\.tags\.owner\[1\]: must not contain NUL/,
      );
      await expectRefused(
        () => t.clients.agents.recordHeartbeats({ heartbeats: [heartbeat('nul.example.net', { tags: { [`k${NUL}`]: 1 } })] }),
        status.INVALID_ARGUMENT,
        /^heartbeats\[0\]\.tags\["k\\u0000"\]: must not contain NUL/,
      );
    });

    it('leaves the example targets working after hostile JSON (escapes that look like NUL are stored as text)', async () => {
      await expectRefused(
        () => t.clients.agents.recordHeartbeat({ heartbeat: heartbeat('poison.example.net', { tags: { x: NUL } }) }),
        status.INVALID_ARGUMENT,
        /^heartbeat\.tags\.x:/,
      );
      // Look-alikes of NUL that are legitimate text must be stored and must not break any query.
      const lookalike = heartbeat('lookalike.example.net', {
        environment: { ...heartbeat('x').environment!, ident: 'Ubuntu \\u0000 "quoted" \\ud800 😀' },
        tags: { '\\u0000': '\\u0000', nested: { deeper: ['\\\\u0000', '😀'] } },
      });
      await t.clients.agents.recordHeartbeat({ heartbeat: lookalike });
      for (const target of ["environment->>'ident' ILIKE '%ubuntu%'", "queueloc LIKE 'linux.%' AND environment->>'ident' ILIKE '%ubuntu%'", "tags->>'operator' = 'IT'"]) {
        const agents = await expandedAgents(t.clients.fleet, { target, withEnvironment: true });
        expect(agents.length).toBeGreaterThan(0);
      }
      const agents = await expandedAgents(t.clients.fleet, { target: "environment->>'ident' ILIKE '%\\u0000%'", withEnvironment: true });
      expect(agents.map((agent) => agent.name)).toEqual(['lookalike.example.net']);
      expect(agents[0].environment!.ident).toBe(lookalike.environment!.ident);
      expect(agents[0].tags).toEqual(lookalike.tags);
    });

    it('is refused in every text and JSON field of the other write RPCs', async () => {
      const refused = async (call: () => Promise<unknown>, field: string) =>
        expectRefused(call, status.INVALID_ARGUMENT, new RegExp(`^${field.replace(/[[\].]/g, '\\$&')}: must not contain NUL`));
      await refused(() => t.clients.actions.createAction({ action: { ...signed, id: 0, name: `find${NUL}` } }), 'action.name');
      const parameters = { searches: { s1: { names: [`fuser${NUL}mount`] } } };
      await refused(() => t.clients.actions.createAction({ action: { ...signed, id: 0, operations: [{ module: 'file', parameters }] } }), 'action.operations[0].parameters.searches.s1.names[0]');
      await refused(() => t.clients.commands.finishCommand({ id: commandId, status: 'success', results: [{ found: `x${NUL}` }], finishtime: undefined, agentQueueloc: 'q', agentPid: 1 }), 'results[0].found');
      await refused(() => t.clients.investigators.createInvestigator({ name: `Eve${NUL}`, publickey: 'key' }), 'name');
      await refused(() => t.clients.permissions.createModule({ name: `file${NUL}` }), 'name');
      await refused(() => t.clients.permissions.setAgentModuleRequirement({ agentId, module: `file${NUL}`, minimumWeight: 1 }), 'module');
      await refused(() => t.clients.permissions.setInvestigatorModulePermission({ investigatorId: 1, agentId, module: `file${NUL}`, weight: 1 }), 'module');
      await refused(() => t.clients.actions.updateActionStatus({ id: actionId, status: `inflight${NUL}` }), 'status');
    });

    it('is refused in filter strings with INVALID_ARGUMENT, not INTERNAL', async () => {
      const filter = (overrides: object) => ({ filter: { limit: 0, offset: 0, ...overrides } as never });
      await expectRefused(() => t.clients.search.searchActions(filter({ actionName: `a${NUL}` })), status.INVALID_ARGUMENT, /^filter\.action_name: must not contain NUL/);
      await expectRefused(() => t.clients.search.searchCommands(filter({ status: `s${NUL}` })), status.INVALID_ARGUMENT, /^filter\.status:/);
      await expectRefused(() => t.clients.search.searchAgents(filter({ agentName: `a${NUL}` })), status.INVALID_ARGUMENT, /^filter\.agent_name:/);
      await expectRefused(() => t.clients.search.searchInvestigators(filter({ investigatorName: `i${NUL}` })), status.INVALID_ARGUMENT, /^filter\.investigator_name:/);
      await expectRefused(() => t.clients.search.searchActions(filter({ threatFamily: `f${NUL}` })), status.INVALID_ARGUMENT, /^filter\.threat_family:/);
      await expectRefused(() => t.clients.agents.listAgents({ name: `a${NUL}`, pageSize: 0, pageToken: '' } as never), status.INVALID_ARGUMENT, /^name:/);
      await expectRefused(() => t.clients.fleet.listActiveAgentsByQueue({ queueloc: `q${NUL}`, since: new Date(), pageSize: 0, pageToken: '' }), status.INVALID_ARGUMENT, /^queueloc:/);
    });
  });

  describe('sizes', () => {
    it('refuses an environment or tags over the cap, saying the cap', async () => {
      const big = 'x'.repeat(5000);
      await expectRefused(
        () => t.clients.agents.recordHeartbeat({ heartbeat: heartbeat('big.example.net', { environment: { ...heartbeat('x').environment!, ident: big } }) }),
        status.INVALID_ARGUMENT,
        /^heartbeat\.environment: is 5,\d{3} bytes of JSON; the service accepts at most 4,096/,
      );
      await expectRefused(
        () => t.clients.agents.recordHeartbeats({ heartbeats: [heartbeat('big.example.net', { tags: { big } })] }),
        status.INVALID_ARGUMENT,
        /^heartbeats\[0\]\.tags: is .* at most 4,096/,
      );
    });

    it('refuses operation parameters and command results over the cap', async () => {
      const big = 'y'.repeat(70_000);
      await expectRefused(
        () => t.clients.actions.createAction({ action: { ...signed, id: 0, operations: [{ module: 'file', parameters: { big } }] } }),
        status.INVALID_ARGUMENT,
        /^action\.operations\[0\]\.parameters: is 70,0\d\d bytes of JSON; the service accepts at most 65,536/,
      );
      await expectRefused(
        () => t.clients.commands.finishCommand({ id: commandId, status: 'success', results: [{ big }], finishtime: undefined, agentQueueloc: 'q', agentPid: 1 }),
        status.INVALID_ARGUMENT,
        /^results: is .* at most 65,536/,
      );
    });

    it('refuses a heartbeat batch over the cap, saying how to split it', async () => {
      const heartbeats = Array.from({ length: 51 }, (_, index) => heartbeat(`batch${index}.example.net`));
      await expectRefused(() => t.clients.agents.recordHeartbeats({ heartbeats }), status.INVALID_ARGUMENT, /^heartbeats: lists 51 heartbeats; at most 50 per call: split them into calls of 50 or fewer/);
    });

    it('refuses too many agent ids at once, before looking any up, and keeps serving others', async () => {
      const agentIds = Array.from({ length: 120_000 }, (_, index) => 2 ** 40 + index);
      await expectRefused(() => t.clients.commands.createCommands({ actionId, agentIds, starttime: undefined }), status.INVALID_ARGUMENT, /^agent_ids: lists 120,000 agent ids; at most 1,000 per call/);
      await expectRefused(() => t.clients.permissions.checkActionPermissions({ actionId, agentIds }), status.INVALID_ARGUMENT, /^agent_ids: lists 120,000 agent ids; at most 1,000/);
    });

    it('refuses a request over the largest message with RESOURCE_EXHAUSTED, before decoding it', async () => {
      const agentIds = Array.from({ length: 200_000 }, (_, index) => 2 ** 50 + index);
      await expectRefused(() => t.clients.commands.createCommands({ actionId, agentIds, starttime: undefined }), status.RESOURCE_EXHAUSTED, /larger than max/i);
    });
  });

  describe('error messages', () => {
    it('quote at most a short prefix of a long input', async () => {
      const long = 'z'.repeat(100_000);
      const details = await expectRefused(() => t.clients.agents.listAgents({ status: long, pageSize: 0, pageToken: '' } as never), status.INVALID_ARGUMENT, /^status: unknown agent status "z{64}"… \(100,000 characters\)/);
      expect(details.length).toBeLessThan(200);
      await expectRefused(() => t.clients.investigators.getInvestigatorByFingerprint({ pgpfingerprint: long }), status.INVALID_ARGUMENT, /got "z{64}"… \(100,000 characters\)$/);
      await expectRefused(() => t.clients.commands.finishCommand({ id: commandId, status: long, results: [], finishtime: undefined, agentQueueloc: 'q', agentPid: 1 }), status.INVALID_ARGUMENT, /not "z{64}"… \(100,000 characters\)$/);
      await expectRefused(() => t.clients.actions.createAction({ action: { ...signed, id: 0, status: long } }), status.INVALID_ARGUMENT, /not "z{64}"… \(100,000 characters\)$/);
    });
  });

  describe('numbers, times and bytes the decoder refuses', () => {
    it('refuses ids of 2^53 and more with INVALID_ARGUMENT', async () => {
      await expectRefused(() => t.clients.agents.getAgent({ id: 2 ** 53 }), status.INVALID_ARGUMENT, /^request: an int64 field holds 2\^53 or more/);
      await expectRefused(() => t.clients.commands.createCommands({ actionId, agentIds: [agentId, 2 ** 60], starttime: undefined }), status.INVALID_ARGUMENT, /2\^53 or more/);
    });

    it('refuses times outside years 1 to 9999', async () => {
      await expectRefused(
        () => t.clients.agents.recordHeartbeat({ heartbeat: heartbeat('future.example.net', { starttime: new Date('+010000-01-01T00:00:00Z') }) }),
        status.INVALID_ARGUMENT,
        /^heartbeat\.starttime: must be a time from 0001-01-01 to 9999-12-31/,
      );
      await expectRefused(
        () => t.clients.fleet.markIdleAgents({ heartbeatBefore: new Date('-000100-01-01T00:00:00Z') }),
        status.INVALID_ARGUMENT,
        /^heartbeat_before: must be a time from 0001-01-01/,
      );
      // Seconds past 2^53 cannot come from a Date: written by hand, as a hostile client would.
      const starttime = Buffer.from(Timestamp.encode({ seconds: 2 ** 60, nanos: 0 }).finish());
      const body = Buffer.from(Heartbeat.encode(heartbeat('far.example.net', { starttime: undefined })).finish());
      const withStart = Buffer.concat([body, Buffer.from([0x32, starttime.length]), starttime]);
      const request = Buffer.concat([Buffer.from([0x0a]), varint(withStart.length), withStart]);
      expect(() => RecordHeartbeatRequest.decode(request)).toThrow(/MAX_SAFE_INTEGER/);
      await expectRefused(() => rawCall('/mig.data.v1.AgentService/RecordHeartbeat', request), status.INVALID_ARGUMENT, /^request: an int64 field holds 2\^53 or more/);
    });

    it('refuses undecodable bytes with INVALID_ARGUMENT and logs them', async () => {
      logLines.length = 0;
      const garbage = Buffer.from([0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f, 0x01]);
      await expectRefused(() => rawCall('/mig.data.v1.AgentService/RecordHeartbeat', garbage), status.INVALID_ARGUMENT, /^request: 7 bytes that are not a valid protobuf encoding/);
      const logged = logLines.map((line) => JSON.parse(line)).find((line) => line.msg === 'undecodable request');
      expect(logged).toMatchObject({ level: 'warn', method: 'mig.data.v1.AgentService/recordHeartbeat', bytes: 7 });
    });
  });

  /** A unary call with bytes written by hand. */
  function rawCall(path: string, bytes: Buffer): Promise<Buffer> {
    const client = new Client(t.service.address, credentials.createInsecure());
    return new Promise<Buffer>((resolve, reject) => {
      client.makeUnaryRequest(path, (value: Buffer) => value, (value: Buffer) => value, bytes, new Metadata(), { deadline: Date.now() + 10_000 }, (error, response) => {
        client.close();
        if (error) reject(error);
        else resolve(response!);
      });
    });
  }
});

function varint(value: number): Buffer {
  const bytes: number[] = [];
  while (value > 0x7f) {
    bytes.push((value & 0x7f) | 0x80);
    value >>>= 7;
  }
  bytes.push(value);
  return Buffer.from(bytes);
}
