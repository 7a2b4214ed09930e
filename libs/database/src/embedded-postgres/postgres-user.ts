import { execFile, spawnSync } from 'node:child_process';
import { stat } from 'node:fs/promises';
import { dirname, parse, resolve } from 'node:path';
import { promisify } from 'node:util';
import { EmbeddedPostgresError, oneLine } from './embedded-postgres-error';

const run = promisify(execFile);

/** The account PostgreSQL runs as when we are root (it refuses to run as root). */
export interface PostgresUser {
  name: string;
  uid: number;
  gid: number;
}

const NAME = 'postgres';

/**
 * The `postgres` account, created (as a system account without a home) when missing. Only called
 * as root, so creating it is possible; a failure names the account to create by hand.
 */
export async function postgresUser(): Promise<PostgresUser> {
  const existing = await lookUp();
  if (existing) return existing;
  try {
    await run('groupadd', ['--system', NAME]);
    await run('useradd', ['--system', '--gid', NAME, '--no-create-home', '--shell', '/usr/sbin/nologin', NAME]);
  } catch (error) {
    throw new EmbeddedPostgresError(
      `PostgreSQL cannot run as root and the "${NAME}" user it would run as could not be created (${oneLine(error)}); ` +
        `create that user, run as a non-root user, or set DATABASE_URL to an existing PostgreSQL`,
    );
  }
  const created = await lookUp();
  if (!created) throw new EmbeddedPostgresError(`the "${NAME}" user was created but cannot be found; run as a non-root user or set DATABASE_URL`);
  return created;
}

async function lookUp(): Promise<PostgresUser | undefined> {
  try {
    const [uid, gid] = await Promise.all([run('id', ['-u', NAME]), run('id', ['-g', NAME])]);
    return { name: NAME, uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
  } catch {
    return undefined;
  }
}

/**
 * Whether `user` can reach `path` (enter it if a directory, execute it if a file). Asked of the
 * kernel by a shell started exactly as PostgreSQL will be (same uid and gid, and, like every
 * process Node starts with a uid, no supplementary groups), so modes, ACLs and mounts all count.
 */
export function canReach(user: PostgresUser, path: string, as: 'directory' | 'executable'): boolean {
  const test = as === 'directory' ? 'cd -- "$1"' : 'test -x "$1"';
  const probe = spawnSync('/bin/sh', ['-c', test, 'probe', path], { uid: user.uid, gid: user.gid, stdio: 'ignore', timeout: 10_000 });
  return probe.status === 0;
}

/** The outermost directory on the way to `path` that `user` cannot enter, with its mode, for the message. */
export async function blockingDirectory(user: PostgresUser, path: string): Promise<string> {
  const target = resolve(path);
  const ancestors: string[] = [];
  for (let directory = dirname(target); ; directory = dirname(directory)) {
    ancestors.unshift(directory);
    if (directory === parse(directory).root) break;
  }
  for (const directory of ancestors) {
    if (!canReach(user, directory, 'directory')) {
      const mode = await stat(directory).then(
        (stats) => ` (mode ${(stats.mode & 0o777).toString(8).padStart(4, '0')}, owner uid ${stats.uid})`,
        () => '',
      );
      return `${directory}${mode}`;
    }
  }
  return target;
}
