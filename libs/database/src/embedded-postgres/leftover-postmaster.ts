import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { EmbeddedPostgresError } from './embedded-postgres-error';

const run = promisify(execFile);

/**
 * Clears what a killed service left behind, so that the next start starts instead of refusing.
 * The service stops its PostgreSQL on every exit it sees; a SIGKILL (or an out-of-memory kill) of
 * the service is one it cannot see, and leaves the postgres running with a postmaster.pid that
 * makes the next postgres on the same data directory refuse. What is found is said in one line:
 * - postmaster.pid names a live postgres started on this data directory: it is stopped (fast
 *   shutdown, SIGINT; immediate, SIGQUIT, if it is still there after 10 s) and waited for;
 * - it names a process that is gone: nothing to stop; PostgreSQL itself replaces that lock file
 *   and keeps its own check that no backend of the old server still uses the shared memory;
 * - it names a live process that is not a postgres of this directory (the pid was reused):
 *   PostgreSQL refuses such a lock file; the line tells the operator what to check and remove.
 */
export async function stopLeftoverPostmaster(dataDir: string, notice: (message: string) => void): Promise<void> {
  const lockFile = join(dataDir, 'postmaster.pid');
  const lines = await readFile(lockFile, 'utf8').then(
    (text) => text.split('\n'),
    () => undefined,
  );
  if (!lines) return;
  const pid = Number(lines[0]);
  if (!Number.isInteger(pid) || pid <= 0) return;
  if (!(await isRunning(pid))) {
    notice(`${lockFile} names PostgreSQL pid ${pid}, which no longer runs (a previous run was killed); PostgreSQL replaces it`);
    return;
  }
  if (!(await isPostgresOf(pid, dataDir))) {
    // PostgreSQL refuses a lock file whose pid is alive; removing it here would also drop the
    // shared-memory key PostgreSQL checks for backends of the old server, so a human decides.
    notice(`${lockFile} names pid ${pid}, which runs but is not a PostgreSQL of this data directory (the pid was reused); if PostgreSQL refuses it, check that no postgres uses ${dataDir} and remove the file`);
    return;
  }
  notice(`stopping PostgreSQL pid ${pid} left running on ${dataDir} by a previous run that was killed (fast shutdown), then starting afresh`);
  signal(pid, 'SIGINT');
  if (await exitedWithin(pid, 10_000)) return;
  signal(pid, 'SIGQUIT');
  if (await exitedWithin(pid, 5_000)) return;
  throw new EmbeddedPostgresError(`PostgreSQL pid ${pid}, left running on ${dataDir} by a previous run, does not stop; stop it by hand (kill ${pid}) and start again`);
}

function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch {
    // gone meanwhile
  }
}

/** Alive and not a zombie: an orphan's parent may be a PID 1 that never reaps (containers). */
async function isRunning(pid: number): Promise<boolean> {
  try {
    process.kill(pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  const state = await ps(pid, 'stat');
  return state !== undefined && !state.startsWith('Z');
}

/** The postmaster keeps the command line it was started with: `postgres -D <dataDir> ...`. */
async function isPostgresOf(pid: number, dataDir: string): Promise<boolean> {
  const args = (await ps(pid, 'args')) ?? '';
  const [program] = args.split(' ', 1);
  return /(^|\/)postgres$/.test(program ?? '') && `${args} `.includes(` -D ${resolve(dataDir)} `);
}

async function ps(pid: number, field: 'stat' | 'args'): Promise<string | undefined> {
  try {
    const { stdout } = await run('ps', ['-ww', '-o', `${field}=`, '-p', String(pid)]);
    return stdout.trim() || undefined;
  } catch {
    return undefined;
  }
}

async function exitedWithin(pid: number, ms: number): Promise<boolean> {
  for (const deadline = Date.now() + ms; Date.now() < deadline; ) {
    if (!(await isRunning(pid))) return true;
    await new Promise((wait) => setTimeout(wait, 100));
  }
  return false;
}
