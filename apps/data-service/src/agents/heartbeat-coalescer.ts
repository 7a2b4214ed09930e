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
 */
export class HeartbeatCoalescer {
  private queue: Pending[] = [];
  private writing = false;

  constructor(private readonly writeBatch: WriteBatch, private readonly maxBatch = 5000) {}

  record(heartbeat: Heartbeat): Promise<HeartbeatOutcome> {
    return new Promise((resolve, reject) => {
      this.queue.push({ heartbeat, resolve, reject });
      // The batch belongs to every caller in it: one of them giving up must not cancel it.
      if (!this.writing) void runDetached(() => this.drain());
    });
  }

  private async drain(): Promise<void> {
    this.writing = true;
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0, this.maxBatch);
      try {
        const outcomes = await this.writeBatch(batch.map((pending) => pending.heartbeat));
        batch.forEach((pending, index) => pending.resolve(outcomes[index]));
      } catch (error) {
        batch.forEach((pending) => pending.reject(error));
      }
    }
    this.writing = false;
  }
}
