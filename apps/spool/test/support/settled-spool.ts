import { readdir } from 'node:fs/promises';
import { join } from 'node:path';

/** The directories where work waits: a settled spool has no work file in any of them. */
const WAITING = ['action/new', 'action/inflight', 'command/ready', 'command/inflight', 'command/returned'];

/** Work files (`*.json`, not dot-files) waiting in the spool, by directory. */
export async function waitingWork(spoolDir: string): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const directory of WAITING) {
    const names = await readdir(join(spoolDir, directory)).catch(() => [] as string[]);
    const count = names.filter((name) => name.endsWith('.json') && !name.startsWith('.')).length;
    if (count > 0) counts[directory] = count;
  }
  return counts;
}

/**
 * Waits until no work waits in the spool, twice in a row `pollMs` apart (a file between two
 * renames is in neither directory for an instant); throws after `timeoutMs` with what still waits.
 */
export async function waitUntilSettled(spoolDir: string, timeoutMs: number, pollMs = 250): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let quietPolls = 0;
  for (;;) {
    const waiting = await waitingWork(spoolDir);
    quietPolls = Object.keys(waiting).length === 0 ? quietPolls + 1 : 0;
    if (quietPolls >= 2) return;
    if (Date.now() > deadline) throw new Error(`the spool did not settle in ${timeoutMs} ms; still waiting: ${JSON.stringify(waiting)}`);
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
}
