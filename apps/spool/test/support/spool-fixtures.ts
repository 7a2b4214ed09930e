import type { DataServiceClients } from '@mig-data/client';
import type { Heartbeat } from '@mig-data/contract';
import { formatActionFile, type ActionFile } from '@mig-data/domain';
import { generateKeyPair, signActionFile } from '@mig-data/pgp';

/** An agent registered through the service, as a command file names it. */
export interface TestAgent {
  id: number;
  name: string;
  queueloc: string;
  pid: number;
}

/**
 * Registers `count` online Linux agents through RecordHeartbeats, named `<group>-<n>` with
 * queuelocs `linux.<group>.<n>`, so that the target `queueloc LIKE 'linux.<group>.%'` reaches
 * exactly them (groupTarget).
 */
export async function registerAgents(clients: DataServiceClients, group: string, count: number): Promise<TestAgent[]> {
  const heartbeats: Heartbeat[] = Array.from({ length: count }, (_, index) => ({
    name: `${group}-${index}`,
    queueloc: `linux.${group}.${index}`,
    mode: 'daemon',
    version: '20150122+ad43a11.prod',
    pid: 1000 + index,
    starttime: new Date(Date.now() - 3_600_000),
    heartbeatts: new Date(),
    environment: { init: 'systemd', ident: 'Debian 12', os: 'linux', arch: 'amd64', isproxied: false, proxy: '', addresses: ['10.0.0.1/8'], publicip: '192.0.2.1' },
    tags: { operator: 'IR' },
  }));
  const agents: TestAgent[] = [];
  for (let start = 0; start < heartbeats.length; start += 1000) {
    const batch = heartbeats.slice(start, start + 1000);
    const { results } = await clients.agents.recordHeartbeats({ heartbeats: batch });
    results.forEach((result, index) => agents.push({ id: result.agentId, name: batch[index].name, queueloc: batch[index].queueloc, pid: batch[index].pid }));
  }
  return agents;
}

/** The target expression that reaches exactly the agents registerAgents made for `group`. */
export function groupTarget(group: string): string {
  return `queueloc LIKE 'linux.${group}.%'`;
}

/** An active investigator registered through the service, with the private key that signs for it. */
export interface TestSigner {
  id: number;
  armoredPrivateKey: string;
}

/** Registers an active investigator with a fresh RSA key (what the service accepts by default: MIG's agents verify only RSA). */
export async function registerSigner(clients: DataServiceClients, name = 'Spool Test Investigator'): Promise<TestSigner> {
  const keys = await generateKeyPair(name, `${name.toLowerCase().replace(/\W+/g, '.')}@example.net`, 'rsa2048');
  const { investigator } = await clients.investigators.createInvestigator({ name, publickey: keys.armoredPublicKey });
  return { id: investigator!.id, armoredPrivateKey: keys.armoredPrivateKey };
}

export interface ActionFileOptions {
  name: string;
  target: string;
  /** The id the file brings, as MIG's API writes it; unset: the spool gives it one. */
  id?: number;
  validfrom?: Date;
  expireafter?: Date;
  /** Leave the file unsigned (it must land in action/invalid). */
  unsigned?: boolean;
}

/** A MIG action file (the JSON dropped into action/new), signed by `signer` unless asked not to be. */
export async function actionFileText(signer: TestSigner, options: ActionFileOptions): Promise<string> {
  const now = Date.now();
  const file: ActionFile = {
    id: options.id,
    name: options.name,
    target: options.target,
    description: { author: 'Spool Tests', email: 'spool.tests@example.net', url: '', revision: 1 },
    threat: { ref: '', level: 'info', family: 'test', type: 'system' },
    validfrom: options.validfrom ?? new Date(Math.floor((now - 60_000) / 1000) * 1000),
    expireafter: options.expireafter ?? new Date(Math.floor((now + 3_600_000) / 1000) * 1000),
    operations: [
      { module: 'file', parameters: { searches: { s1: { names: ['fusermount'], paths: ['/usr'] } } } },
      { module: 'netstat', parameters: { connectedip: ['192.0.2.10'] } },
    ],
    pgpsignatures: [],
    syntaxversion: 2,
  };
  const signed = options.unsigned ? file : await signActionFile(file, signer.armoredPrivateKey);
  return JSON.stringify(formatActionFile(signed), null, 2);
}
