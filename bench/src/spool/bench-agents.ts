import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { listWorkFiles, moveFiles, placeFiles, type SpoolLayout } from '@mig-data/spool';

/** Returned commands placed per placeFiles call. */
const RETURN_BATCH = 500;

/**
 * MIG's relay and agents at full speed, for the end-to-end scenario: takes every command in
 * command/ready to command/inflight (one rename each, as the relay does once it has sent it) and
 * places it back in command/returned with status success and one result per operation, the way
 * the contract says any writer must (libs/spool placeFiles). It runs in the bench process, on the
 * same CPUs as the daemon: the figure includes the agents' side, as a scheduler host's would.
 */
export class BenchAgents {
  returned = 0;
  private running?: Promise<void>;
  private stopped = false;

  constructor(private readonly layout: SpoolLayout) {}

  start(): void {
    this.running = this.loop();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.running;
  }

  private async loop(): Promise<void> {
    while (!this.stopped) {
      const ready = await listWorkFiles(this.layout.command.ready);
      if (ready.length === 0) {
        await new Promise((resolve) => setTimeout(resolve, 20));
        continue;
      }
      const moved = await moveFiles(this.layout.command.ready, this.layout.command.inflight, ready.map((name) => ({ name })));
      const sent = ready.filter((_, index) => moved[index]);
      for (let first = 0; first < sent.length; first += RETURN_BATCH) {
        const files = await Promise.all(sent.slice(first, first + RETURN_BATCH).map(async (name) => ({ name, content: answer(await readFile(join(this.layout.command.inflight, name), 'utf8')) })));
        await placeFiles(this.layout, this.layout.command.returned, files);
        this.returned += files.length;
      }
    }
  }
}

function answer(commandText: string): string {
  const command = JSON.parse(commandText) as { action?: { operations?: unknown[] } };
  const results = (command.action?.operations ?? [null]).map(() => ({ foundanything: false, success: true, elements: {}, statistics: { filescount: 0 }, errors: null }));
  return JSON.stringify({ ...command, status: 'success', results, finishtime: new Date().toISOString() });
}
