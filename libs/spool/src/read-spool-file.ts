import { open } from 'node:fs/promises';

/** Why a spool file could not be read as JSON; the daemon sets such files aside with this as the reason. */
export type SpoolFileProblem = 'missing' | 'empty' | 'too-large' | 'not-json' | 'not-a-file';

export type SpoolFileRead = { ok: true; json: unknown; text: string; bytes: number } | { ok: false; problem: SpoolFileProblem; reason: string; /** Since its last write, when known. */ ageMs?: number };

/**
 * A file that is empty or not JSON but was written less than this ago may be one a writer still
 * writes in place (breaking the rename rule): it is looked at again next pass before it is set aside.
 */
export const STILL_WRITING_MS = 5_000;

/** Whether a failed read may be a file still being written (see STILL_WRITING_MS). */
export function mayStillBeWritten(read: SpoolFileRead): boolean {
  return !read.ok && (read.problem === 'empty' || read.problem === 'not-json') && read.ageMs !== undefined && read.ageMs < STILL_WRITING_MS;
}

/** Default cap on a spool file: an action's operations may take 4 MiB of JSON (the service's cap), plus the rest. */
export const DEFAULT_MAX_SPOOL_FILE_BYTES = 8 * 1024 * 1024;

/**
 * Reads a spool file as JSON without trusting it: never more than `maxBytes` (an enormous file is
 * refused from its size, not read), and every problem is a value, never an exception, so one bad
 * file cannot stop the work on the others. `missing` means another process moved it first.
 */
export async function readSpoolFile(path: string, maxBytes = DEFAULT_MAX_SPOOL_FILE_BYTES): Promise<SpoolFileRead> {
  let handle;
  try {
    handle = await open(path, 'r');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return { ok: false, problem: 'missing', reason: 'the file is gone (another process moved it)' };
    if (code === 'EISDIR') return { ok: false, problem: 'not-a-file', reason: 'is a directory, not a file' };
    return { ok: false, problem: 'not-a-file', reason: `cannot be opened: ${(error as Error).message}` };
  }
  try {
    const info = await handle.stat();
    if (!info.isFile()) return { ok: false, problem: 'not-a-file', reason: 'is not a regular file' };
    if (info.size > maxBytes) return { ok: false, problem: 'too-large', reason: `is ${info.size} bytes, more than the ${maxBytes} bytes a spool file may have` };
    // Read to the cap + 1: a file that grew after the stat is still bounded.
    const buffer = Buffer.alloc(Math.min(info.size, maxBytes) + 1);
    let bytes = 0;
    for (;;) {
      const { bytesRead } = await handle.read(buffer, bytes, buffer.length - bytes, bytes);
      if (bytesRead === 0) break;
      bytes += bytesRead;
      if (bytes === buffer.length) break;
    }
    if (bytes > maxBytes) return { ok: false, problem: 'too-large', reason: `is more than the ${maxBytes} bytes a spool file may have` };
    const text = buffer.subarray(0, bytes).toString('utf8');
    const ageMs = Date.now() - info.mtimeMs;
    if (text.trim() === '') return { ok: false, problem: 'empty', reason: 'is empty', ageMs };
    try {
      return { ok: true, json: JSON.parse(text), text, bytes };
    } catch (error) {
      // A truncated file (a writer that broke the rename rule) lands here too.
      return { ok: false, problem: 'not-json', reason: `is not JSON (${(error as Error).message}); truncated or not a MIG file`, ageMs };
    }
  } finally {
    await handle.close();
  }
}
