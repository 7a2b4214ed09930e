import { open, rename, unlink } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { SPOOL_FILE_MODE, type SpoolLayout } from './layout';

/** Temporaries are dot-files (never work) named by their writer, so a sweep knows whose they are. */
export const TEMPORARY_PREFIX = '.spool-';
let temporaryCount = 0;

/** Files fsynced at once: the disk absorbs several flushes together; more only queue. */
const PARALLEL_FSYNCS = 16;

export interface SpoolFile {
  name: string;
  content: string | Buffer;
}

/**
 * THE way a file enters a spool directory (spec/spool.md, after maildir): written to a temporary
 * in the spool's tmp, fsynced, renamed into `directory`, then the directory fsynced. A reader of
 * `directory` sees the whole file or nothing, and after a crash the file is there or not, never
 * half. A file of the same name is replaced in one step.
 */
export async function placeFile(layout: SpoolLayout, directory: string, name: string, content: string | Buffer): Promise<void> {
  await placeFiles(layout, directory, [{ name, content }]);
}

/**
 * Many files into one directory, with the same guarantee as `placeFile` for each: every file is
 * fsynced before its rename, and the directory is fsynced once after the last rename (which makes
 * all of the renames durable together). Returns when every file is placed.
 */
export async function placeFiles(layout: SpoolLayout, directory: string, files: readonly SpoolFile[]): Promise<void> {
  if (files.length === 0) return;
  await inParallel(files, PARALLEL_FSYNCS, async (file) => {
    requirePlainName(file.name);
    const temporary = join(layout.tmp, `${TEMPORARY_PREFIX}${process.pid}-${++temporaryCount}-${file.name}`);
    await writeDurably(temporary, file.content);
    try {
      await rename(temporary, join(directory, file.name));
    } catch (error) {
      await unlink(temporary).catch(() => undefined);
      throw error;
    }
  });
  await fsyncDirectory(directory);
}

/**
 * A state change: one rename from `from` to `to` (same name unless `toName`), both directories
 * fsynced. False when the file is no longer in `from` (another process moved it first: it lost
 * nothing, the other process owns the file now).
 */
export async function moveFile(from: string, to: string, name: string, toName = name): Promise<boolean> {
  const [moved] = await moveFiles(from, to, [{ name, toName }]);
  return moved;
}

/** Several moves between the same two directories, each one rename, the directories fsynced once at the end. */
export async function moveFiles(from: string, to: string, moves: ReadonlyArray<{ name: string; toName?: string }>): Promise<boolean[]> {
  const results = await Promise.all(
    moves.map(async ({ name, toName }) => {
      requirePlainName(name);
      try {
        await rename(join(from, name), join(to, requirePlainName(toName ?? name)));
        return true;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
        throw error;
      }
    }),
  );
  if (results.some(Boolean)) await Promise.all([fsyncDirectory(to), from === to ? undefined : fsyncDirectory(from)]);
  return results;
}

/** Removes files from `directory` (ones already gone are fine), then fsyncs it. Returns how many this call removed. */
export async function removeFiles(directory: string, names: readonly string[]): Promise<number> {
  let removed = 0;
  await Promise.all(
    names.map(async (name) => {
      try {
        await unlink(join(directory, requirePlainName(name)));
        removed++;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      }
    }),
  );
  if (removed > 0) await fsyncDirectory(directory);
  return removed;
}

/** Makes the directory's entries (renames, creations, removals) durable. */
export async function fsyncDirectory(directory: string): Promise<void> {
  const handle = await open(directory, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** A new file (never an existing one), 0640 whatever the umask, content flushed to disk. */
export async function writeDurably(path: string, content: string | Buffer): Promise<void> {
  const handle = await open(path, 'wx', SPOOL_FILE_MODE);
  try {
    await handle.chmod(SPOOL_FILE_MODE);
    await handle.writeFile(content);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

function requirePlainName(name: string): string {
  if (name !== basename(name) || name === '' || name === '.' || name === '..') throw new Error(`a spool file name must be a plain name, got ${JSON.stringify(name)}`);
  return name;
}

/** Runs `work` on every item with at most `limit` running at once; rejects with the first failure after all settled. */
export async function inParallel<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  let failure: unknown;
  const worker = async () => {
    while (next < items.length) {
      const item = items[next++];
      try {
        await work(item);
      } catch (error) {
        failure ??= error;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  if (failure !== undefined) throw failure;
}
