import { InvalidArgumentError } from '@mig-data/domain';
import { readKey, readPrivateKey, decryptKey, type Key, type PrivateKey, type PublicKey } from 'openpgp';

/** An investigator's public key as read and checked: what the data service stores. */
export interface InvestigatorPublicKey {
  /** 40 upper-case hex characters (64 for a v6 key): read from the key, never taken from a caller. */
  fingerprint: string;
  /** The public part only, re-armored: nothing secret is stored even if a caller sent more. */
  armoredPublicKey: string;
  userIds: string[];
  key: PublicKey;
}

export function upperCaseFingerprint(key: Key): string {
  return key.getFingerprint().toUpperCase();
}

async function parseKey(armored: string, field: string): Promise<Key> {
  try {
    return await readKey({ armoredKey: armored });
  } catch (error) {
    throw new InvalidArgumentError(field, `is not an armored OpenPGP key: ${(error as Error).message}`);
  }
}

/**
 * Reads an investigator's armored public key and refuses one that cannot sign MIG actions at
 * `now`: a private key (never stored for an investigator), a revoked or expired key, a key with no
 * valid signing key. Errors name the reason and the fingerprint, never key material.
 */
export async function readInvestigatorPublicKey(armored: string, now: Date = new Date(), field = 'publickey'): Promise<InvestigatorPublicKey> {
  const key = await parseKey(armored, field);
  if (key.isPrivate()) throw new InvalidArgumentError(field, 'is a private key; give the investigator\'s public key only');
  const fingerprint = upperCaseFingerprint(key);
  if (await key.isRevoked(undefined, undefined, now)) throw new InvalidArgumentError(field, `key ${fingerprint} is revoked`);
  const expiration = await key.getExpirationTime();
  if (expiration instanceof Date && expiration.getTime() <= now.getTime()) {
    throw new InvalidArgumentError(field, `key ${fingerprint} expired on ${expiration.toISOString()}`);
  }
  try {
    await key.getSigningKey(undefined, now);
  } catch (error) {
    throw new InvalidArgumentError(field, `key ${fingerprint} has no valid signing key: ${(error as Error).message}`);
  }
  const publicKey = key.toPublic();
  return { fingerprint, armoredPublicKey: publicKey.armor(), userIds: publicKey.getUserIDs(), key: publicKey };
}

/** A parsed public key, as verifying takes it. */
export type VerificationKey = PublicKey;

/**
 * Reads a stored public key to verify signatures with. No validity check here: verifying checks
 * that the key was valid when it signed.
 */
export async function readVerificationKey(armored: string): Promise<PublicKey> {
  return (await readKey({ armoredKey: armored })).toPublic();
}

/** Whether the key or one of its subkeys has this key id (16 hex digits, any case). */
export function hasKeyId(key: Key, keyId: string): boolean {
  return key.getKeys().some((candidate) => candidate.getKeyID().toHex().toUpperCase() === keyId.toUpperCase());
}

/** Reads an armored private key for signing, decrypting it when a passphrase is given. */
export async function readSigningKey(armored: string, passphrase?: string, field = 'privatekey'): Promise<PrivateKey> {
  let key: PrivateKey;
  try {
    key = await readPrivateKey({ armoredKey: armored });
  } catch (error) {
    throw new InvalidArgumentError(field, `is not an armored OpenPGP private key: ${(error as Error).message}`);
  }
  if (key.isDecrypted()) return key;
  if (passphrase === undefined) throw new InvalidArgumentError(field, `key ${upperCaseFingerprint(key)} is protected by a passphrase; give it`);
  try {
    return await decryptKey({ privateKey: key, passphrase });
  } catch (error) {
    throw new InvalidArgumentError(field, `cannot unlock key ${upperCaseFingerprint(key)}: ${(error as Error).message}`);
  }
}
