import type { WriteStream } from 'node:tty';

const WIDTH = 30;
const REDRAW_MS = 100;

/**
 * How a load's progress is shown to whoever runs it (load-fleet, the bench): on stderr, so stdout
 * keeps only results. On a terminal it redraws one bar in place; in a log (CI, a pipe, a file) it
 * writes a plain line every 10 %, because carriage returns there pile up into one unreadable line.
 * Fed with the running totals the loaders' `onProgress` gives:
 *
 *     const shown = new ProgressDisplay('loading agents', agents);
 *     await loadFleet(db, { ...productionLikeFleet(agents), onProgress: (loaded) => shown.update(loaded.agents) });
 *     shown.finish();
 */
export class ProgressDisplay {
  private done = 0;
  private lastDraw = 0;
  private lastDecile = -1;
  private readonly started = performance.now();

  constructor(
    private readonly label: string,
    private readonly total: number,
    private readonly stream: NodeJS.WriteStream = process.stderr,
  ) {
    this.draw(true);
  }

  /** `done` units of `total` are done so far. */
  update(done: number): void {
    this.done = Math.min(this.total, Math.max(this.done, done));
    this.draw(this.done === this.total);
  }

  finish(): void {
    this.done = this.total;
    this.draw(true);
    if (this.stream.isTTY) this.stream.write('\n');
  }

  private draw(force: boolean): void {
    const fraction = this.total === 0 ? 1 : this.done / this.total;
    const seconds = ((performance.now() - this.started) / 1000).toFixed(1);
    const counts = `${this.done.toLocaleString('en-US')}/${this.total.toLocaleString('en-US')}`;
    if (this.stream.isTTY) {
      const now = performance.now();
      if (!force && now - this.lastDraw < REDRAW_MS) return;
      this.lastDraw = now;
      const filled = Math.round(fraction * WIDTH);
      const bar = `[${'#'.repeat(filled)}${' '.repeat(WIDTH - filled)}]`;
      const line = `${this.label} ${bar} ${Math.floor(fraction * 100)}% ${counts} ${seconds}s`;
      (this.stream as WriteStream).clearLine?.(0);
      this.stream.write(`\r${line.slice(0, (this.stream.columns ?? 120) - 1)}`);
      return;
    }
    const decile = Math.floor(fraction * 10);
    if (decile === this.lastDecile) return;
    this.lastDecile = decile;
    this.stream.write(`${this.label}: ${decile * 10}% ${counts} ${seconds}s\n`);
  }
}
