import type { Action, CreateCommandsResponse, Heartbeat } from '@mig-data/contract';

/** A heartbeat of a Linux agent on endpoint `host`; override anything. */
export function heartbeat(host: string, overrides: Partial<Heartbeat> = {}): Heartbeat {
  return {
    name: host,
    queueloc: `linux.${host}.abcdef`,
    mode: 'daemon',
    version: '20150122+ad43a11.prod',
    pid: 4242,
    starttime: new Date('2026-11-01T00:00:00Z'),
    heartbeatts: new Date(),
    environment: { init: 'systemd', ident: 'Ubuntu 14.04', os: 'linux', arch: 'amd64', isproxied: false, proxy: '', addresses: ['10.0.0.1/8'], publicip: '192.0.2.1' },
    tags: { operator: 'IT' },
    ...overrides,
  };
}

/**
 * An action that passes MIG's validation rules, with a fake signature: CreateAction refuses it once
 * validation passes. To store one, sign it for real with `signedAction` (support/signing.ts).
 */
export function action(overrides: Partial<Action> = {}): Action {
  const now = Date.now();
  return {
    id: 0,
    name: 'find fusermount',
    target: "queueloc LIKE 'linux.%'",
    description: { author: 'Julien Vehent', email: 'jvehent@mozilla.com', url: '', revision: 201409021000 },
    threat: { ref: '', level: 'alert', family: 'malware', type: 'system' },
    validfrom: new Date(now - 60_000),
    expireafter: new Date(now + 3_600_000),
    operations: [{ module: 'file', parameters: { searches: { s1: { names: ['fusermount'], paths: ['/usr'] } } } }],
    pgpsignatures: ['wsBcBAABCAAQBQJUcDdtCRBLt3C3e4m9eQAAqg0IAH'],
    starttime: undefined,
    finishtime: undefined,
    lastupdatetime: undefined,
    status: '',
    syntaxversion: 2,
    counters: undefined,
    investigators: [],
    ...overrides,
  };
}

/** The gRPC status code of a rejected call, for `await expect(...).rejects` checks. */
export async function grpcCode(promise: Promise<unknown>): Promise<{ code: number; details: string }> {
  try {
    await promise;
  } catch (error) {
    const { code, details } = error as { code: number; details: string };
    return { code, details };
  }
  throw new Error('the call succeeded but was expected to fail');
}

/** CreateCommandsResponse's parallel arrays as { id, agentId } pairs, in request order. */
export function commandRefs(response: CreateCommandsResponse): Array<{ id: number; agentId: number }> {
  return response.agentIds.map((agentId, index) => ({ id: response.commandIds[index], agentId }));
}
