import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/**
 * The scheduler's private key at rest: sealed with AES-256-GCM under a key the operator supplies,
 * so that reading investigators.privatekey (psql, a dump, a backup) does not give the key that
 * the whole fleet trusts. The stored text says what it is: `mig-data:aes-256-gcm:v1:` followed by
 * base64 of IV (12 bytes), tag (16 bytes) and ciphertext; anything else is MIG's own armored key.
 * The investigator's fingerprint is the additional data: a sealed key copied onto another row
 * does not open.
 *
 * MIG's Go scheduler reads investigators.privatekey as an armored key: a sealed one it cannot use.
 * Configuring no key keeps the key in clear, as MIG stores it (start-up warns).
 */
const SEALED_PREFIX = 'mig-data:aes-256-gcm:v1:';
const IV_BYTES = 12;
const TAG_BYTES = 16;
export const KEY_BYTES = 32;

/** Why the stored key cannot be used; start-up prints it as the one line. */
export class SchedulerKeyAtRestError extends Error {
  override readonly name = 'SchedulerKeyAtRestError';
}

export function isSealed(stored: string): boolean {
  return stored.startsWith(SEALED_PREFIX);
}

export class SchedulerKeyAtRest {
  /**
   * @param key 32 bytes, or undefined: keys are stored in clear.
   * @param source where the key came from, for messages (a setting's name or a file), never the key.
   */
  constructor(
    private readonly key: Buffer | undefined,
    readonly source: string,
  ) {
    if (key && key.length !== KEY_BYTES) throw new Error(`a key-encryption key has ${KEY_BYTES} bytes, not ${key.length}`);
  }

  get encrypts(): boolean {
    return this.key !== undefined;
  }

  /** The form to store `armored` in. */
  seal(armored: string, fingerprint: string | null): string {
    if (!this.key) return armored;
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    cipher.setAAD(additionalData(fingerprint));
    const ciphertext = Buffer.concat([cipher.update(armored, 'utf8'), cipher.final()]);
    return SEALED_PREFIX + Buffer.concat([iv, cipher.getAuthTag(), ciphertext]).toString('base64');
  }

  /** The armored key from its stored form; a sealed key without the right key is an error saying which. */
  open(stored: string, investigatorId: number, fingerprint: string | null): string {
    if (!isSealed(stored)) return stored;
    const what = `the scheduler's private key (investigator ${investigatorId}) is encrypted`;
    if (!this.key) {
      throw new SchedulerKeyAtRestError(`${what} and no key to decrypt it is configured: set MIG_DATA_KEY_ENCRYPTION_KEY_FILE or MIG_DATA_KEY_ENCRYPTION_KEY to the key it was encrypted with`);
    }
    const sealed = Buffer.from(stored.slice(SEALED_PREFIX.length), 'base64');
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.key, sealed.subarray(0, IV_BYTES));
      decipher.setAAD(additionalData(fingerprint));
      decipher.setAuthTag(sealed.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
      return Buffer.concat([decipher.update(sealed.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]).toString('utf8');
    } catch {
      throw new SchedulerKeyAtRestError(`${what} and the key from ${this.source} does not decrypt it (wrong key): set it to the key it was encrypted with`);
    }
  }
}

/** 32 bytes written as base64 or as hex (`openssl rand -base64 32`); undefined when it is neither. */
export function parseKeyEncryptionKey(text: string): Buffer | undefined {
  const trimmed = text.trim();
  if (/^[0-9a-fA-F]{64}$/.test(trimmed)) return Buffer.from(trimmed, 'hex');
  if (/^[A-Za-z0-9+/]{43}=$/.test(trimmed)) return Buffer.from(trimmed, 'base64');
  return undefined;
}

/** MIG's schema lets pgpfingerprint be null; such a row is bound to the empty string. */
function additionalData(fingerprint: string | null): Buffer {
  return Buffer.from((fingerprint ?? '').toUpperCase(), 'utf8');
}
