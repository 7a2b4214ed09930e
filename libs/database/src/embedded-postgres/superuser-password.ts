import { randomBytes } from 'node:crypto';
import { chmod, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Client } from 'pg';
import { MIG_PG_TYPES } from '../pg-type-parsers';
import { EmbeddedPostgresError, oneLine } from './embedded-postgres-error';

/**
 * The embedded cluster's superuser password: random, made at initdb, kept in a file inside the data
 * directory that only this process's user may read (0600; as root the data directory belongs to
 * the `postgres` user, the file to root). A fixed password would let any local user who can reach
 * the loopback port log in with psql and read the scheduler's private key.
 */
export const PASSWORD_FILE = 'mig-data-superuser-password';

/** What data directories made before the random password were given; replaced at their next start. */
export const FORMER_FIXED_PASSWORD = 'mig-data-embedded';

export function newPassword(): string {
  // base64url: safe inside a URL and inside a quoted SQL literal.
  return randomBytes(24).toString('base64url');
}

export function passwordFile(dataDir: string): string {
  return join(dataDir, PASSWORD_FILE);
}

export async function readStoredPassword(dataDir: string): Promise<string | undefined> {
  try {
    return (await readFile(passwordFile(dataDir), 'utf8')).trim() || undefined;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new EmbeddedPostgresError(`cannot read the embedded PostgreSQL's password from ${passwordFile(dataDir)}: ${oneLine(error)}`);
  }
}

export async function storePassword(dataDir: string, password: string): Promise<void> {
  const file = passwordFile(dataDir);
  await writeFile(file, `${password}\n`, { mode: 0o600 });
  // `mode` only applies to a new file.
  await chmod(file, 0o600);
}

/**
 * Makes sure the running server takes `password`. A data directory from before the random
 * password still has the former fixed one: it is replaced (ALTER ROLE) and `notice` says so.
 * Also after a crash between writing the file and changing the role, the next start finishes the job.
 */
export async function requireStoredPassword(port: number, superuser: string, password: string, dataDir: string, notice: (message: string) => void): Promise<void> {
  const login = (secret: string, then?: (client: Client) => Promise<void>) => connect(port, superuser, secret, then);
  const current = await login(password);
  if (current === 'ok') return;
  const former = await login(FORMER_FIXED_PASSWORD, async (client) => {
    await client.query(`ALTER ROLE "${superuser}" PASSWORD '${password}'`);
  });
  if (former !== 'ok') {
    throw new EmbeddedPostgresError(
      `the password in ${passwordFile(dataDir)} does not open the embedded PostgreSQL with data in ${dataDir} (${current}); ` +
        `restore that file from the data directory's backup, or start over with an empty MIG_DATA_DIR`,
    );
  }
  notice(`the embedded PostgreSQL in ${dataDir} had the former fixed superuser password; replaced by a random one kept in ${passwordFile(dataDir)} (mode 0600)`);
}

async function connect(port: number, user: string, password: string, then?: (client: Client) => Promise<void>): Promise<'ok' | string> {
  const client = new Client({ host: '127.0.0.1', port, user, password, database: 'postgres', types: MIG_PG_TYPES });
  try {
    await client.connect();
  } catch (error) {
    // 28P01: invalid_password; anything else is not about the password and is reported as it is.
    if ((error as { code?: string }).code === '28P01') return 'password authentication failed';
    throw error;
  }
  try {
    await then?.(client);
    return 'ok';
  } finally {
    await client.end();
  }
}
