import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { listWorkFiles, moveFile, placeFile, spoolLayout, type SpoolLayout } from '@mig-data/spool';
import type { SeededRandom } from './seeded-random';

/** What an agent answers for one command: MIG's returned command carries these two. */
export interface AgentAnswer {
  status: string;
  results: unknown[];
}

export interface RelaySimulatorOptions {
  spoolDir: string;
  random: SeededRandom;
  /** How often command/ready is scanned (ms). */
  pollMs?: number;
  /** Time between a command's send (ready → inflight) and its return, drawn in [min, max] ms. */
  delayMs?: readonly [number, number];
  /** Share of returned commands delivered a second time, later, as a relay retry would. */
  duplicateRate?: number;
  /** Take each scan's commands in a random order instead of the directory's. */
  randomOrder?: boolean;
  /** The agent's answer to a command (default: success, one result per operation naming the command). */
  answer?(command: ReturnedCommandInput): AgentAnswer;
}

/** The parts of a command file the simulated agent reads. */
export interface ReturnedCommandInput {
  id: number;
  action: { id: number; operations?: unknown[] };
  agent: { id: number; name: string; queueloc: string; pid: number };
}

export interface RelayStats {
  /** Commands moved command/ready → command/inflight. */
  sent: number;
  /** Returned commands placed in command/returned (duplicates not counted). */
  returned: number;
  /** Second deliveries of a returned command. */
  duplicates: number;
}

/**
 * Plays MIG's relay and agents around a spool: moves each command from command/ready to
 * command/inflight with one rename, as the scheduler's relay publisher does once it has sent it,
 * then after a delay places the command JSON with `status`, `results` and `finishtime` filled in
 * into command/returned, the agent's answer. It remembers every answer (`answers`, by command id)
 * so that a checker can compare what the database recorded with what the agents said.
 */
export class RelaySimulator {
  readonly stats: RelayStats = { sent: 0, returned: 0, duplicates: 0 };
  readonly answers = new Map<number, AgentAnswer>();
  /** What was placed in command/returned, by command id: a duplicate delivers the same bytes again. */
  private readonly delivered = new Map<number, string>();
  private readonly pending = new Set<Promise<void>>();
  private readonly errors: Error[] = [];
  private timer?: NodeJS.Timeout;
  private scanning?: Promise<void>;
  private stopped = false;
  private readonly layout: SpoolLayout;

  constructor(private readonly options: RelaySimulatorOptions) {
    this.layout = spoolLayout(options.spoolDir);
  }

  start(): void {
    const poll = this.options.pollMs ?? 20;
    const tick = () => {
      if (this.stopped) return;
      this.scanning = this.scan().catch((error: Error) => void this.errors.push(error));
      this.scanning.finally(() => {
        if (!this.stopped) this.timer = setTimeout(tick, poll);
      });
    };
    tick();
  }

  /** Stops scanning, waits for the returns already under way, and throws what went wrong in the simulator itself. */
  async stop(): Promise<RelayStats> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.scanning;
    while (this.pending.size > 0) await Promise.all([...this.pending]);
    if (this.errors.length > 0) throw new Error(`the relay simulator failed: ${this.errors.map((error) => error.message).join('; ')}`);
    return this.stats;
  }

  private async scan(): Promise<void> {
    let names = await listWorkFiles(this.layout.command.ready);
    if (this.options.randomOrder) names = this.options.random.shuffled(names);
    for (const name of names) {
      if (this.stopped) return;
      // False when it is gone since the listing: expired and returned by the daemon itself.
      if (!(await moveFile(this.layout.command.ready, this.layout.command.inflight, name))) continue;
      this.stats.sent++;
      this.later(() => this.returnCommand(name, false));
    }
  }

  private later(work: () => Promise<void>): void {
    const [min, max] = this.options.delayMs ?? [0, 50];
    const done: Promise<void> = new Promise<void>((resolve) => setTimeout(resolve, this.options.random.between(min, max)))
      .then(work)
      .catch((error: Error) => void this.errors.push(error))
      .finally(() => this.pending.delete(done));
    this.pending.add(done);
  }

  private async returnCommand(name: string, duplicate: boolean): Promise<void> {
    const commandId = Number(/-(\d+)\.json$/.exec(name)?.[1]);
    let content: string;
    if (duplicate) {
      content = this.delivered.get(commandId)!;
    } else {
      let text: string;
      try {
        text = await readFile(join(this.layout.command.inflight, name), 'utf8');
      } catch (error) {
        // Gone from inflight: the daemon returned it as expired before the agent answered.
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
        throw error;
      }
      const command = JSON.parse(text) as ReturnedCommandInput & Record<string, unknown>;
      const answer = this.options.answer?.(command) ?? defaultAnswer(command);
      this.answers.set(command.id, answer);
      content = JSON.stringify({ ...command, status: answer.status, results: answer.results, finishtime: new Date().toISOString() });
      this.delivered.set(commandId, content);
    }
    await placeFile(this.layout, this.layout.command.returned, name, content);
    if (duplicate) {
      this.stats.duplicates++;
    } else {
      this.stats.returned++;
      if (this.options.random.chance(this.options.duplicateRate ?? 0)) this.later(() => this.returnCommand(name, true));
    }
  }
}

/** Success, with one result per operation that names the command, so a result recorded on the wrong command shows. */
function defaultAnswer(command: ReturnedCommandInput): AgentAnswer {
  const operations = command.action.operations?.length ?? 1;
  return {
    status: 'success',
    results: Array.from({ length: operations }, (_, index) => ({
      foundanything: index % 2 === 0,
      success: true,
      elements: { command: command.id, agent: command.agent.name, operation: index },
      statistics: { filescount: 3 },
      errors: null,
    })),
  };
}
