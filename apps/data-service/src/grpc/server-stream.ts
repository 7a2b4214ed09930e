import type { ServerWritableStream } from '@grpc/grpc-js';
import { DeadlineExceededError } from '@mig-data/domain';

/**
 * Writes every message of `messages` to a server-streaming call with backpressure: when grpc-js's
 * write() returns false (its buffer is full because HTTP/2 flow control holds the bytes: the
 * caller is not reading), the next message is not even produced until 'drain'. So the producer
 * (a database cursor) runs at the caller's pace and the service holds a few messages, not the
 * answer. A caller that reads nothing for `stallMs` (no buffered message leaves in that time) ends
 * the stream DEADLINE_EXCEEDED: a stalled reader must not hold a database snapshot and connection
 * forever. Leaving early (the call abandoned, a stall, an error) returns the producer, which
 * releases what it holds.
 */
export async function writeWithBackpressure<Message>(call: ServerWritableStream<unknown, Message>, messages: AsyncIterable<Message>, signal: AbortSignal, stallMs: number): Promise<void> {
  for await (const message of messages) {
    if (signal.aborted) throw signal.reason;
    if (!call.write(message)) await drained(call, signal, stallMs);
  }
}

/** Resolves at 'drain'; rejects if a whole `stallMs` passes with no buffered message sent, or the call is abandoned. */
function drained(call: ServerWritableStream<unknown, unknown>, signal: AbortSignal, stallMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    let buffered = call.writableLength;
    let progressAt = Date.now();
    const settle = (error?: unknown) => {
      clearInterval(watch);
      call.removeListener('drain', onDrain);
      signal.removeEventListener('abort', onAbort);
      if (error === undefined) resolve();
      else reject(error);
    };
    const onDrain = () => settle();
    const onAbort = () => settle(signal.reason);
    // A slow reader that keeps reading is not stalled: only `stallMs` without any message leaving is.
    const watch = setInterval(() => {
      if (call.writableLength < buffered) {
        buffered = call.writableLength;
        progressAt = Date.now();
      } else if (Date.now() - progressAt >= stallMs) {
        settle(new DeadlineExceededError(`the caller read nothing for ${stallMs} ms (MIG_DATA_STREAM_STALL_MS), so the stream was stopped and its snapshot released; read the stream as it comes, or call again`));
      }
    }, Math.max(5, Math.floor(stallMs / 10)));
    call.on('drain', onDrain);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
