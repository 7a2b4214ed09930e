import { generateKey, readKey } from 'openpgp';
import { upperCaseFingerprint } from './read-key';

export interface GeneratedKeyPair {
  fingerprint: string;
  armoredPublicKey: string;
  armoredPrivateKey: string;
}

/**
 * A new unprotected key pair for the scheduler's own identity. RSA 2048, as MIG's scheduler made
 * (Go's openpgp.NewEntity): MIG's Go agents verify RSA signatures but not EdDSA ones.
 */
export async function generateSchedulerKeyPair(name: string, email: string): Promise<GeneratedKeyPair> {
  const { privateKey, publicKey } = await generateKey({ type: 'rsa', rsaBits: 2048, userIDs: [{ name, email }], format: 'armored' });
  const fingerprint = upperCaseFingerprint(await readKey({ armoredKey: publicKey }));
  return { fingerprint, armoredPublicKey: publicKey, armoredPrivateKey: privateKey };
}
