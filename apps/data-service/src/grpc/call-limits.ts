import type { ServerUnaryCall, ServerWritableStream } from '@grpc/grpc-js';
import { DeadlineExceededError } from '@mig-data/domain';

/**
 * Bounded concurrency: at most `max` calls are handled at once. Past it a call is refused at once
 * (RESOURCE_EXHAUSTED, which clients retry with backoff) instead of queueing on the pool until
 * every caller times out and the process runs out of memory.
 */
export class CallGate {
  private inFlight = 0;

  constructor(readonly max: number) {}

  /** Takes a place if one is free; the caller must `leave()` when done. */
  enter(): boolean {
    if (this.inFlight >= this.max) return false;
    this.inFlight++;
    return true;
  }

  leave(): void {
    this.inFlight--;
  }
}

/** Raised into the work of a call whose caller cancelled it or went away. */
export class CallerGaveUpError extends Error {
  constructor() {
    super('the caller cancelled the call or went away');
  }
}

/**
 * A signal that aborts when the caller cancels (or its connection drops, or the server is forced
 * down) or when the call's deadline passes, whichever is first: the call's work and its database
 * queries stop then (runCancellable). `dispose` when the call is answered.
 */
export function abandonmentSignal(call: ServerUnaryCall<unknown, unknown> | ServerWritableStream<unknown, unknown>): { signal: AbortSignal; dispose(): void } {
  const controller = new AbortController();
  const onCancelled = () => controller.abort(new CallerGaveUpError());
  call.once('cancelled', onCancelled);
  const deadline = call.getDeadline();
  const deadlineMs = deadline instanceof Date ? deadline.getTime() : deadline;
  let timer: NodeJS.Timeout | undefined;
  if (Number.isFinite(deadlineMs)) {
    const abortAtDeadline = () => controller.abort(new DeadlineExceededError('the call ran past its deadline and was stopped'));
    // setTimeout's limit is about 24.8 days; a deadline further off is as good as none.
    const remaining = deadlineMs - Date.now();
    if (remaining <= 0) abortAtDeadline();
    else if (remaining < 2 ** 31 - 1) timer = setTimeout(abortAtDeadline, remaining);
  }
  if (call.cancelled) onCancelled();
  return {
    signal: controller.signal,
    dispose: () => {
      clearTimeout(timer);
      call.removeListener('cancelled', onCancelled);
    },
  };
}
