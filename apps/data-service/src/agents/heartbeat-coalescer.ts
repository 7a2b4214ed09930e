import { runDetached, type HeartbeatOutcome } from '@mig-data/database';
import type { Heartbeat } from '@mig-data/domain';

type WriteBatch = (heartbeats: readonly Heartbeat[]) => Promise<HeartbeatOutcome[]>;

interface Pending {
  heartbeat: Heartbeat;
  resolve: (outcome: HeartbeatOutcome) => void;
  reject: (error: unknown) => void;
}

/**
 * Group commit for single heartbeats: while one batch is being written, the heartbeats that
 * arrive wait and go together in the next one. No timer adds latency to a lone call, and each
 * caller is answered only after the transaction holding its heartbeat has committed, so nothing
 * acknowledged can be lost; when the batch fails (the database went away), every caller in it gets
 * the failure (UNAVAILABLE), none an answer. One write at a time also keeps heartbeats off most of the pool.
 *
 * A write starts at the end of the event loop's current turn (setImmediate), not at the first
 * heartbeat: the calls that came in the same read of the socket reach `record` one by one in later
 * microtasks, and starting at once wrote the first alone and made the rest wait for its commit.
 * With 100 calls in flight that was every other write a batch of one (bench/README.md, "Where the
 * time goes"); a lone call waits only for the end of that turn.
 */
export class HeartbeatCoalescer {
  private queue: Pending[] = [];
  /** A write is scheduled or running: heartbeats arriving now join the queue it drains. */
  private busy = false;

  constructor(private readonly writeBatch: WriteBatch, private readonly maxBatch = 5000) {}

  record(heartbeat: Heartbeat): Promise<HeartbeatOutcome> {
    return new Promise((resolve, reject) => {
      this.queue.push({ heartbeat, resolve, reject });
      if (this.busy) return;
      this.busy = true;
      // The batch belongs to every caller in it: one of them giving up must not cancel it.
      setImmediate(() => void runDetached(() => this.drain()));
    });
  }

  private async drain(): Promise<void> {
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0, this.maxBatch);
      try {
        const outcomes = await this.writeBatch(batch.map((pending) => pending.heartbeat));
        batch.forEach((pending, index) => pending.resolve(outcomes[index]));
      } catch (error) {
        batch.forEach((pending) => pending.reject(error));
      }
    }
    this.busy = false;
  }
}
