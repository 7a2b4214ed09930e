import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client, credentials, Metadata, status, type ServiceDefinition, type ServiceError } from '@grpc/grpc-js';
import * as contract from '@mig-data/contract';
import type { DataServiceClients } from '@mig-data/client';
import { generateKeyPair } from '@mig-data/pgp';
import { ROLES, RPC_ROLES, type Role } from '../src/access/rpc-roles';
import { createLogger } from '../src/logging/logger';
import { makeDevCertificates, type DevCertificates } from './support/dev-certificates';
import { action, grpcCode } from './support/fixtures';
import { startTestService, type TestService } from './support/test-service';

type Line = Record<string, unknown> & { msg: string };

/** Every RPC path of the contract ("/mig.data.v1.Service/Method"). */
const RPC_PATHS = Object.entries(contract)
  .filter(([name]) => name.endsWith('ServiceService'))
  .flatMap(([, definition]) => Object.values(definition as ServiceDefinition).map((method) => method.path));

describe('mutual TLS: certificates from tools/make-dev-certificates.js, one role per certificate', () => {
  let certs: DevCertificates;
  let t: TestService;
  const lines: string[] = [];
  const parsed = (): Line[] => lines.map((line) => JSON.parse(line) as Line);
  const clients: Partial<Record<Role, DataServiceClients>> = {};
  const as = (role: Role) => (clients[role] ??= certs.connect(t.service.address, role));

  /** A bare gRPC client presenting `role`'s certificate: calls any path with an empty (all-default) request. */
  function rawCall(role: Role, path: string, metadata = new Metadata()): Promise<{ code: number; details: string; requestId: unknown }> {
    const file = (name: string) => readFileSync(join(certs.directory, name));
    const client = new Client(t.service.address, credentials.createSsl(file('ca.crt'), file(`${role}.key`), file(`${role}.crt`)));
    return new Promise((resolve) => {
      let requestId: unknown;
      const call = client.makeUnaryRequest(
        path,
        () => Buffer.alloc(0),
        (bytes: Buffer) => bytes,
        {},
        metadata,
        { deadline: new Date(Date.now() + 20_000) },
        (error: ServiceError | null) => {
          client.close();
          resolve({ code: error ? error.code : status.OK, details: error?.details ?? '', requestId });
        },
      );
      call.on('metadata', (answer: Metadata) => (requestId = answer.get('x-request-id')[0]));
    });
  }

  beforeAll(async () => {
    certs = makeDevCertificates();
    t = await startTestService(undefined, createLogger('info', (line) => lines.push(line)), certs.serviceEnv);
  });
  afterAll(async () => {
    for (const client of Object.values(clients)) client.close();
    await t.stop();
    certs.remove();
  });

  it('says at start that callers are identified by certificate', () => {
    expect(parsed().find((line) => line.msg === 'serving')).toMatchObject({ transport: 'mutual TLS: role from the client certificate subject OU' });
  });

  it('refuses, at the handshake, a client with no certificate, one from another CA, an expired one, and plaintext; an admin certificate passes', async () => {
    expect(parsed().filter((line) => line.msg === 'rpc')).toEqual([]);
    for (const name of [undefined, 'other-ca-admin', 'expired-admin']) {
      const refused = certs.connect(t.service.address, name);
      const { code } = await grpcCode(refused.permissions.listModules({ pageSize: 10, pageToken: '' }));
      refused.close();
      expect([name, code]).toEqual([name, status.UNAVAILABLE]);
    }
    const plaintext = await grpcCode(t.clients.permissions.listModules({ pageSize: 10, pageToken: '' }));
    expect(plaintext.code).toBe(status.UNAVAILABLE);
    // Refused before any handler ran: no access line.
    expect(parsed().filter((line) => line.msg === 'rpc')).toEqual([]);
    await expect(as('admin').permissions.listModules({ pageSize: 10, pageToken: '' })).resolves.toMatchObject({ modules: [] });
  });

  it('answers PERMISSION_DENIED exactly where RPC_ROLES says, for each role calling every RPC of the contract', async () => {
    expect(RPC_PATHS.length).toBe(Object.keys(RPC_ROLES).length);
    const mismatches: string[] = [];
    for (const role of ROLES) {
      for (const path of RPC_PATHS) {
        const { code, details } = await rawCall(role, path);
        const allowed = RPC_ROLES[path.slice(1)].includes(role);
        if ((code === status.PERMISSION_DENIED && !details.includes('is for the')) || (code === status.PERMISSION_DENIED) === allowed) {
          mismatches.push(`${role} ${path}: ${status[code]} ${details}`);
        }
      }
    }
    expect(mismatches).toEqual([]);
  });

  it('checks the role before existence: readonly disabling a missing investigator is PERMISSION_DENIED, admin gets NOT_FOUND', async () => {
    const denied = await grpcCode(as('readonly').investigators.updateInvestigatorStatus({ id: 987654321, status: 'disabled' }));
    expect(denied.code).toBe(status.PERMISSION_DENIED);
    expect(denied.details).toBe('mig.data.v1.InvestigatorService/UpdateInvestigatorStatus is for the admin role; this caller has role readonly (CN=mig-readonly, OU=readonly)');
    expect((await grpcCode(as('admin').investigators.updateInvestigatorStatus({ id: 987654321, status: 'disabled' }))).code).toBe(status.NOT_FOUND);
  });

  it("stops issue 10's attack at its first step (registering an investigator) for every caller but admin, and the scheduler's signing for every caller but the scheduler", async () => {
    const attacker = await generateKeyPair('Mallory', 'mallory@example.net', 'rsa2048');
    for (const role of ['scheduler', 'api', 'readonly'] as const) {
      const step1 = await grpcCode(as(role).investigators.createInvestigator({ name: `Mallory as ${role}`, publickey: attacker.armoredPublicKey }));
      expect([role, step1.code]).toEqual([role, status.PERMISSION_DENIED]);
    }
    const { count } = (await t.sql.query(`SELECT count(*)::int AS count FROM investigators WHERE name LIKE 'Mallory%'`)).rows[0];
    expect(count).toBe(0);
    const registered = await as('admin').investigators.createInvestigator({ name: 'Mallory as admin', publickey: attacker.armoredPublicKey }, { metadata: requestIdMetadata('attack-admin-register') });
    expect(registered.investigator).toMatchObject({ name: 'Mallory as admin', status: 'active' });

    // The table test above may have made it already (its CreateSchedulerInvestigator call).
    await as('scheduler').investigators.createSchedulerInvestigator({ name: '' }).catch((error: ServiceError) => expect(error.code).toBe(status.ALREADY_EXISTS));
    for (const role of ['api', 'readonly', 'admin'] as const) {
      const signing = await grpcCode(as(role).investigators.signActionAsScheduler({ action: action({ pgpsignatures: [] }) }));
      expect([role, signing.code]).toEqual([role, status.PERMISSION_DENIED]);
    }
    const signed = await as('scheduler').investigators.signActionAsScheduler({ action: action({ pgpsignatures: [] }) });
    expect(signed.action!.pgpsignatures).toHaveLength(1);
  });

  it('writes one access line per call (method, role, subject, code, duration, request id) and audit lines with ids and signer fingerprints, never key material', async () => {
    const scheduler = (await as('scheduler').investigators.getSchedulerInvestigator({})).investigator!;
    const signed = await as('scheduler').investigators.signActionAsScheduler({ action: action({ name: 'audited action', pgpsignatures: [] }) }, { metadata: requestIdMetadata('sign-1') });
    const created = await as('api').actions.createAction({ action: signed.action }, { metadata: requestIdMetadata('create-1') });
    await as('scheduler').actions.updateActionStatus({ id: created.action!.id, status: 'cancelled' });
    const mallory = (await as('admin').investigators.listInvestigators({ pageSize: 100, pageToken: '' })).investigators.find((investigator) => investigator.name === 'Mallory as admin')!;
    await as('admin').permissions.setInvestigatorModulePermission({ investigatorId: mallory.id, agentId: 0, module: 'default', weight: 100 }).catch(() => undefined);
    await as('admin').investigators.updateInvestigatorStatus({ id: mallory.id, status: 'disabled' });

    const echoed = await rawCall('readonly', '/mig.data.v1.PermissionService/ListModules', requestIdMetadata('echo-me'));
    expect(echoed).toMatchObject({ code: status.OK, requestId: 'echo-me' });
    const generated = await rawCall('readonly', '/mig.data.v1.PermissionService/ListModules');
    expect(generated.requestId).toMatch(/^[0-9a-f-]{36}$/);
    const denied = await rawCall('api', '/mig.data.v1.FleetService/MarkOfflineAgents', requestIdMetadata('denied-1'));
    expect(denied.code).toBe(status.PERMISSION_DENIED);

    const all = parsed();
    const access = (requestId: unknown) => all.filter((line) => line.msg === 'rpc' && line.requestId === requestId);
    expect(access('echo-me')).toEqual([
      { time: expect.any(String), level: 'info', msg: 'rpc', method: 'mig.data.v1.PermissionService/ListModules', role: 'readonly', subject: 'CN=mig-readonly, OU=readonly', requestId: 'echo-me', code: 'OK', durationMs: expect.any(Number) },
    ]);
    expect(access(generated.requestId)).toHaveLength(1);
    expect(access('denied-1')).toEqual([expect.objectContaining({ method: 'mig.data.v1.FleetService/MarkOfflineAgents', role: 'api', subject: 'CN=mig-api, OU=api', code: 'PERMISSION_DENIED' })]);

    const audit = all.filter((line) => line.msg === 'audit');
    expect(audit).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ event: 'investigator created', investigatorId: mallory.id, fingerprint: mallory.pgpfingerprint, role: 'admin', subject: 'CN=mig-admin, OU=admin', requestId: 'attack-admin-register' }),
        expect.objectContaining({ event: 'scheduler investigator created', investigatorId: scheduler.id, fingerprint: scheduler.pgpfingerprint, role: 'scheduler' }),
        expect.objectContaining({ event: 'action signed by the scheduler', actionName: 'audited action', signerKeyIds: [scheduler.pgpfingerprint.slice(-16)], requestId: 'sign-1' }),
        expect.objectContaining({ event: 'action created', actionId: created.action!.id, signers: [scheduler.pgpfingerprint], role: 'api', requestId: 'create-1' }),
        expect.objectContaining({ event: 'action status set', actionId: created.action!.id, status: 'cancelled', role: 'scheduler' }),
        expect.objectContaining({ event: 'investigator status set', investigatorId: mallory.id, fingerprint: mallory.pgpfingerprint, status: 'disabled', role: 'admin' }),
      ]),
    );
    // Only successful changes are audited: the denied attempts left none.
    expect(audit.filter((line) => String(line.investigatorName ?? '').startsWith('Mallory as ') && line.investigatorName !== 'Mallory as admin')).toEqual([]);

    const { rows } = await t.sql.query(`SELECT convert_from(privatekey, 'UTF8') AS privatekey FROM investigators WHERE privatekey IS NOT NULL`);
    const privateKeyLines = String(rows[0].privatekey).split('\n').filter((line) => /^[A-Za-z0-9+/=]{40,}$/.test(line.trim()));
    const text = lines.join('\n');
    for (const forbidden of ['BEGIN PGP', 'PRIVATE KEY', 'BEGIN CERTIFICATE', signed.pgpsignature, ...privateKeyLines, readFileSync(join(certs.directory, 'server.key'), 'utf8').split('\n')[1]]) {
      expect(text.includes(forbidden) ? forbidden : 'absent').toBe('absent');
    }
    const password = new URL(t.database.url).password;
    if (password) expect(text.includes(password)).toBe(false);
  });
});

function requestIdMetadata(id: string): Metadata {
  const metadata = new Metadata();
  metadata.set('x-request-id', id);
  return metadata;
}
