import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { link, open, readdir, readFile, rename, stat, unlink } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import type { SpoolLayout } from './layout';

/**
 * A per-item lock shared by every spool process on this host (several daemons on one spool, or a
 * daemon and `mig-spool reconcile --fix`): a file created with O_EXCL in the spool's locks
 * directory, holding its owner's pid, the pid's start time and a random token.
 *
 * A lock whose owner died (kill -9) is stale: same host and the pid is gone or is another process
 * (its start time differs). It is broken by renaming it to a private name and checking that what
 * was moved is still the stale lock; if a live lock was moved instead (another process broke the
 * stale one and took the lock in between) it is linked back. The one interleaving this cannot
 * undo (a third process takes the lock in the instant between) is caught by `stillHeld()`, which
 * the holder checks before each step it records; and every step of the spool is repeatable
 * anyway, so the worst case is a harmless repeat, never a lost or doubled item.
 * Spools shared between hosts (NFS) are not supported: a pid means nothing on another host.
 */
export interface ItemLock {
  readonly key: string;
  /** Whether this process still owns the lock file (false: it was broken; stop and let the owner work). */
  stillHeld(): Promise<boolean>;
  release(): Promise<void>;
}

interface LockOwner {
  pid: number;
  host: string;
  /** The pid's start time in clock ticks since boot (Linux), '' elsewhere. */
  started: string;
  token: string;
}

/** Takes the lock on `key` (letters, digits, `-` and `.`), or returns undefined when a live process holds it. */
export async function tryLockItem(layout: SpoolLayout, key: string): Promise<ItemLock | undefined> {
  if (!/^[A-Za-z0-9][A-Za-z0-9.-]*$/.test(key)) throw new Error(`a lock key must be letters, digits, '-' and '.', got ${JSON.stringify(key)}`);
  const path = join(layout.locks, `${key}.lock`);
  for (let attempt = 0; attempt < 3; attempt++) {
    const owner: LockOwner = { pid: process.pid, host: hostname(), started: processStartTime(process.pid), token: randomBytes(12).toString('hex') };
    if (await createWholeLockFile(path, owner)) return heldLock(key, path, owner.token);
    const current = await readOwner(path);
    if (current === 'gone') continue;
    if (!(await isStale(path, current))) return undefined;
    await breakStaleLock(path, current);
  }
  return undefined;
}

/** Runs `work` holding the lock on `key`; undefined (and `work` not run) when another process holds it. */
export async function withItemLock<T>(layout: SpoolLayout, key: string, work: (lock: ItemLock) => Promise<T>): Promise<{ ran: true; value: T } | { ran: false }> {
  const lock = await tryLockItem(layout, key);
  if (!lock) return { ran: false };
  try {
    return { ran: true, value: await work(lock) };
  } finally {
    await lock.release();
  }
}

/**
 * Removes the lock files of dead owners (a kill -9 leaves its locks behind; they are broken when
 * the item is next wanted, and this clears the ones of items nobody wants any more). Returns how many.
 */
export async function sweepStaleLocks(layout: SpoolLayout): Promise<number> {
  let swept = 0;
  for (const name of await readdir(layout.locks).catch(() => [] as string[])) {
    const path = join(layout.locks, name);
    if (name.endsWith('.lock')) {
      const owner = await readOwner(path);
      if (owner !== 'gone' && (await isStale(path, owner))) {
        await breakStaleLock(path, owner);
        swept++;
      }
    } else if (name.includes(`.lock${BROKEN_ASIDE}`) || name.includes(`.lock${OWNER_DRAFT}`)) {
      // Left by a breaker that died between its rename and its unlink, or a taker between its link and its unlink.
      const info = await stat(path).catch(() => undefined);
      if (info && Date.now() - info.mtimeMs > 60_000) await unlink(path).catch(() => undefined);
    }
  }
  return swept;
}

/**
 * Creates the lock file with its owner already in it, or returns false when it exists. The owner is
 * written to a private file first and hard-linked to the lock's name (link fails with EEXIST like
 * O_EXCL does), so no process ever sees a lock file half written. Created empty and written after,
 * a lock could be taken for the stale leftover of a dead owner in that instant, and broken.
 */
async function createWholeLockFile(path: string, owner: LockOwner): Promise<boolean> {
  const written = `${path}${OWNER_DRAFT}${process.pid}-${owner.token}`;
  const handle = await open(written, 'wx', 0o640);
  try {
    await handle.writeFile(JSON.stringify(owner));
  } finally {
    await handle.close();
  }
  try {
    await link(written, path);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    return false;
  } finally {
    await unlink(written).catch(() => undefined);
  }
}

/** A lock's owner is written to `KEY.lock.owner-PID-TOKEN` before it is linked into place. */
const OWNER_DRAFT = '.owner-';
/** A breaker moves a stale lock aside to `KEY.lock.broken-PID-RANDOM` before checking it. */
const BROKEN_ASIDE = '.broken-';

function heldLock(key: string, path: string, token: string): ItemLock {
  const stillHeld = async () => {
    const owner = await readOwner(path);
    return owner !== 'gone' && owner !== 'unreadable' && owner.token === token;
  };
  return {
    key,
    stillHeld,
    release: async () => {
      // Never remove a lock that someone else now owns.
      if (await stillHeld()) await unlink(path).catch(() => undefined);
    },
  };
}

async function readOwner(path: string): Promise<LockOwner | 'gone' | 'unreadable'> {
  try {
    const owner = JSON.parse(await readFile(path, 'utf8')) as LockOwner;
    return typeof owner.pid === 'number' && typeof owner.token === 'string' ? owner : 'unreadable';
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'gone' : 'unreadable';
  }
}

/**
 * A lock whose owner is dead. Locks are linked into place whole, so an unreadable one was damaged
 * or left by an older version that created the file empty and wrote it after; it counts as stale
 * only when it is older than a few seconds, in case such a version is still writing it.
 */
async function isStale(path: string, owner: LockOwner | 'unreadable'): Promise<boolean> {
  if (owner === 'unreadable') {
    const info = await stat(path).catch(() => undefined);
    return info !== undefined && Date.now() - info.mtimeMs > UNWRITTEN_LOCK_MS;
  }
  if (owner.host !== hostname()) return false;
  if (!isAlive(owner.pid)) return true;
  return owner.started !== '' && processStartTime(owner.pid) !== owner.started;
}

const UNWRITTEN_LOCK_MS = 5_000;

async function breakStaleLock(path: string, stale: LockOwner | 'unreadable'): Promise<void> {
  const aside = `${path}${BROKEN_ASIDE}${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    await rename(path, aside);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return; // someone else broke it
    throw error;
  }
  const moved = await readOwner(aside);
  const wasTheStaleOne = stale === 'unreadable' ? moved === 'unreadable' || moved === 'gone' : moved !== 'gone' && moved !== 'unreadable' && moved.token === stale.token;
  if (!wasTheStaleOne) await link(aside, path).catch(() => undefined); // a live lock: put it back
  await unlink(aside).catch(() => undefined);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Field 22 of /proc/PID/stat: tells a reused pid from the lock's owner. '' where /proc is missing. */
function processStartTime(pid: number): string {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] ?? '';
  } catch {
    return '';
  }
}
