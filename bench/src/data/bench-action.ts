import type { DataServiceClients } from '@mig-data/client';
import type { Action } from '@mig-data/contract';
import { formatActionFile } from '@mig-data/domain';
import { generateKeyPair, signAction, signActionFile } from '@mig-data/pgp';

/**
 * Stores actions the way a real investigator does: an investigator registered through
 * CreateInvestigator with its public key, each action signed with the private key (MIG's
 * canonical string) and stored through CreateAction, which verifies the signature.
 */
export class BenchInvestigator {
  private armoredPrivateKey?: Promise<string>;

  constructor(private readonly clients: DataServiceClients) {}

  async createAction(name: string): Promise<number> {
    const privateKey = await (this.armoredPrivateKey ??= this.register());
    const unsigned = unsignedAction(name, "queueloc LIKE 'linux.%'");
    const signature = await signAction({ ...unsigned, validfrom: unsigned.validfrom!, expireafter: unsigned.expireafter! }, privateKey);
    const { action } = await this.clients.actions.createAction({ action: { ...unsigned, status: 'preparing', pgpsignatures: [signature] } });
    return action!.id;
  }

  /** A signed MIG action file (the JSON an investigator drops into the spool's action/new) for `target`. */
  async signedActionFile(name: string, target: string): Promise<string> {
    const privateKey = await (this.armoredPrivateKey ??= this.register());
    const { status: _status, investigators: _investigators, counters: _counters, ...file } = unsignedAction(name, target);
    return JSON.stringify(formatActionFile(await signActionFile({ ...file, id: undefined }, privateKey)));
  }

  private async register(): Promise<string> {
    // RSA: the only keys the service accepts by default, since MIG's Go agents verify nothing else.
    const keys = await generateKeyPair('mig-data bench', 'bench@example.net', 'rsa2048');
    await this.clients.investigators.createInvestigator({ name: 'mig-data bench', publickey: keys.armoredPublicKey });
    return keys.armoredPrivateKey;
  }
}

function unsignedAction(name: string, target: string): Action {
  // Signatures cover whole seconds.
  const now = Math.floor(Date.now() / 1000) * 1000;
  return {
    id: 0,
    name,
    target,
    description: { author: 'mig-data bench', email: 'bench@example.net', url: '', revision: 1 },
    threat: { ref: '', level: 'info', family: 'benchmark', type: 'system' },
    validfrom: new Date(now - 60_000),
    expireafter: new Date(now + 24 * 3_600_000),
    operations: [{ module: 'file', parameters: { searches: { s1: { names: ['fusermount'], paths: ['/usr'] } } } }],
    pgpsignatures: [],
    starttime: undefined,
    finishtime: undefined,
    lastupdatetime: undefined,
    status: '',
    syntaxversion: 2,
    counters: undefined,
    investigators: [],
  };
}
