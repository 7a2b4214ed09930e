import type { Action } from '@mig-data/contract';
import { generateKeyPair, signAction, type KeyAlgorithm } from '@mig-data/pgp';
import { action } from './fixtures';
import type { TestService } from './test-service';

/** An investigator registered through the service, with the private key only the test holds. */
export interface TestInvestigator {
  id: number;
  name: string;
  pgpfingerprint: string;
  armoredPublicKey: string;
  armoredPrivateKey: string;
}

/** Registers an active investigator with a fresh real key (RSA, as MIG's agents need, unless asked) through CreateInvestigator. */
export async function registerTestInvestigator(t: TestService, name = 'Test Investigator', algorithm: KeyAlgorithm = 'rsa2048'): Promise<TestInvestigator> {
  const keys = await generateKeyPair(name, `${name.toLowerCase().replace(/\W+/g, '.')}@example.net`, algorithm);
  const { investigator } = await t.clients.investigators.createInvestigator({ name, publickey: keys.armoredPublicKey });
  return { id: investigator!.id, name, pgpfingerprint: investigator!.pgpfingerprint, armoredPublicKey: keys.armoredPublicKey, armoredPrivateKey: keys.armoredPrivateKey };
}

const defaultSigners = new WeakMap<TestService, Promise<TestInvestigator>>();

/** Signs `message` with each signer, appending to the signatures it already has. */
export async function signWith(message: Action, signers: readonly TestInvestigator[]): Promise<Action> {
  const domain = { ...message, validfrom: message.validfrom!, expireafter: message.expireafter!, operations: message.operations.map(({ module, parameters, isCompressed, wantCompressed }) => ({ module, parameters, isCompressed, wantCompressed })) };
  const signatures = await Promise.all(signers.map((signer) => signAction(domain, signer.armoredPrivateKey)));
  return { ...message, pgpsignatures: [...message.pgpsignatures, ...signatures] };
}

/**
 * `action(overrides)` (test/support/fixtures.ts) signed for real, by `signers` or else by one
 * investigator registered once per test service: what CreateAction accepts now that it
 * verifies signatures.
 */
export async function signedAction(t: TestService, overrides: Partial<Action> = {}, signers?: readonly TestInvestigator[]): Promise<Action> {
  if (!signers) {
    if (!defaultSigners.has(t)) defaultSigners.set(t, registerTestInvestigator(t, 'Default Signer'));
    signers = [await defaultSigners.get(t)!];
  }
  return signWith(action({ ...overrides, pgpsignatures: [] }), signers);
}
