import { generateKey, readKey } from 'openpgp';
import { upperCaseFingerprint } from './read-key';

export interface GeneratedKeyPair {
  fingerprint: string;
  armoredPublicKey: string;
  armoredPrivateKey: string;
}

/** RSA 2048 is what MIG's Go code made and verifies; Ed25519 is quicker but MIG's Go agents cannot verify it. */
export type KeyAlgorithm = 'rsa2048' | 'ed25519';

/** A new key pair, not protected by a passphrase. */
export async function generateKeyPair(name: string, email: string, algorithm: KeyAlgorithm): Promise<GeneratedKeyPair> {
  const type = algorithm === 'rsa2048' ? { type: 'rsa' as const, rsaBits: 2048 } : { type: 'ecc' as const, curve: 'ed25519Legacy' as const };
  const { privateKey, publicKey } = await generateKey({ ...type, userIDs: [{ name, email }], format: 'armored' });
  const fingerprint = upperCaseFingerprint(await readKey({ armoredKey: publicKey }));
  return { fingerprint, armoredPublicKey: publicKey, armoredPrivateKey: privateKey };
}

/** The scheduler's own identity: RSA 2048, as MIG's scheduler made it (Go's openpgp.NewEntity). */
export function generateSchedulerKeyPair(name: string, email: string): Promise<GeneratedKeyPair> {
  return generateKeyPair(name, email, 'rsa2048');
}
