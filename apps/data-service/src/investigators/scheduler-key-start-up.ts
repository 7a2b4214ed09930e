import { randomBytes } from 'node:crypto';
import { chmod, readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { InvestigatorRepository } from '@mig-data/database';
import type { ServiceConfig } from '../config/service-config';
import type { Logger } from '../logging/logger';
import { isSealed, KEY_BYTES, parseKeyEncryptionKey, SchedulerKeyAtRest, SchedulerKeyAtRestError } from './scheduler-key-at-rest';

/** The generated key of the embedded mode, beside the database it protects (mode 0600). */
export const GENERATED_KEY_FILE = 'mig-data-key-encryption-key';

/**
 * Where the key that seals the scheduler's private key comes from:
 * - MIG_DATA_KEY_ENCRYPTION_KEY_FILE or MIG_DATA_KEY_ENCRYPTION_KEY when set;
 * - else, with the embedded PostgreSQL, a key generated once into its data directory: the laptop
 *   start stays one command, and the key is out of reach of anyone who only has a database login
 *   (psql, a dump), though not of whoever can read the data directory;
 * - else (DATABASE_URL, possibly shared with MIG's Go scheduler, which needs the key armored):
 *   none; the key stays in clear and start-up warns.
 */
export async function loadSchedulerKeyAtRest(config: ServiceConfig, embedded: boolean): Promise<SchedulerKeyAtRest> {
  const setting = config.keyEncryptionKey;
  if (setting && 'value' in setting) return new SchedulerKeyAtRest(requireKey(setting.value, setting.source), setting.source);
  if (setting) {
    const text = await readFile(setting.file, 'utf8').catch((error: NodeJS.ErrnoException) => {
      throw new SchedulerKeyAtRestError(`MIG_DATA_KEY_ENCRYPTION_KEY_FILE=${setting.file} cannot be read (${error.code ?? error.message}); point it at the key file`);
    });
    return new SchedulerKeyAtRest(requireKey(text, `MIG_DATA_KEY_ENCRYPTION_KEY_FILE=${setting.file}`), setting.file);
  }
  if (!embedded) return new SchedulerKeyAtRest(undefined, 'nowhere');
  const file = join(resolve(config.dataDir), GENERATED_KEY_FILE);
  const existing = await readFile(file, 'utf8').catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return undefined;
    throw new SchedulerKeyAtRestError(`${file} cannot be read (${error.code ?? error.message})`);
  });
  if (existing !== undefined) return new SchedulerKeyAtRest(requireKey(existing, file), file);
  const key = randomBytes(KEY_BYTES);
  // 'wx': two starts racing do not overwrite each other's key.
  await writeFile(file, `${key.toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
  await chmod(file, 0o600);
  return new SchedulerKeyAtRest(key, file);
}

function requireKey(text: string, source: string): Buffer {
  const key = parseKeyEncryptionKey(text);
  if (!key) throw new SchedulerKeyAtRestError(`${source}: must be ${KEY_BYTES} bytes written in base64 or hex (make one with: openssl rand -base64 32)`);
  return key;
}

/**
 * Checked at every start, so that a key that cannot be opened stops the service at once rather
 * than at the first signature: a sealed key must open with the configured key; a key in clear
 * is sealed now when a key is configured, and left in clear with a warning when none is.
 */
export async function secureStoredSchedulerKey(investigators: InvestigatorRepository, atRest: SchedulerKeyAtRest, logger: Logger): Promise<void> {
  const scheduler = await investigators.schedulerPrivateKey();
  if (!scheduler) {
    if (!atRest.encrypts) logger.warn("no MIG_DATA_KEY_ENCRYPTION_KEY_FILE: a scheduler's private key created here will be stored in clear (as MIG's Go scheduler needs it)");
    return;
  }
  const { investigator, storedPrivateKey } = scheduler;
  const armored = atRest.open(storedPrivateKey, investigator.id, investigator.pgpfingerprint);
  if (isSealed(storedPrivateKey)) return;
  if (!atRest.encrypts) {
    logger.warn(`the scheduler's private key (investigator ${investigator.id}) is stored in clear: set MIG_DATA_KEY_ENCRYPTION_KEY_FILE to encrypt it (MIG's Go scheduler then cannot read it)`);
    return;
  }
  await investigators.replaceSchedulerPrivateKey(investigator.id, storedPrivateKey, atRest.seal(armored, investigator.pgpfingerprint));
  logger.info(`encrypted the scheduler's private key (investigator ${investigator.id}) at rest with the key from ${atRest.source}`);
}
