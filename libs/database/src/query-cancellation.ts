import { AsyncLocalStorage } from 'node:async_hooks';
import { connect } from 'node:net';
import { Client } from 'pg';

/**
 * The abandonment signal of the work in progress (a gRPC call whose caller gave up or whose
 * deadline passed, a periodic job past its time limit or stopped at shutdown). It follows the work
 * through every await, so the repositories need no extra parameter to have their queries stopped.
 */
const abandonment = new AsyncLocalStorage<AbortSignal>();

/** Runs `work` so that, once `signal` aborts, every database query it has running is cancelled and any new one refused. */
export function runCancellable<T>(signal: AbortSignal, work: () => Promise<T>): Promise<T> {
  return abandonment.run(signal, work);
}

/**
 * Runs `work` detached from whatever work started it: for shared work (a heartbeat batch written
 * for many callers) that one caller giving up must not cancel.
 */
export function runDetached<T>(work: () => Promise<T>): Promise<T> {
  return abandonment.exit(work);
}

/** The error a query of abandoned work fails with: the signal's reason when it is an Error. */
function abandonedError(signal: AbortSignal): Error {
  return signal.reason instanceof Error ? signal.reason : new Error('the work this query belonged to was abandoned');
}

/**
 * node-postgres's Client, plus: a query made under an aborted signal (see runCancellable) is
 * cancelled on the server with the protocol's CancelRequest (no pooled connection needed, so it
 * works when the pool is exhausted), and the connection is closed once that query has ended
 * rather than returned to the pool. Closing is what makes it safe: a late cancel request can only
 * reach this backend, never a query of another call that got the connection next, and whatever
 * transaction the abandoned work left open is rolled back by the server.
 */
export class CancellableClient extends Client {
  private abandoned = false;
  /** Queries of this client not yet settled (promise form: all that TypeORM and the repositories use). */
  private running = 0;

  // pg's overloads (callback, config object, Submittable) are kept: only the promise form is watched.
  override query(...args: unknown[]): never {
    const signal = abandonment.getStore();
    if (!signal) return (super.query as (...a: unknown[]) => never)(...args);
    if (signal.aborted) {
      this.abandon();
      return Promise.reject(abandonedError(signal)) as never;
    }
    const result = (super.query as (...a: unknown[]) => unknown)(...args);
    if (!isPromise(result)) return result as never;
    this.running++;
    const onAbort = () => {
      this.abandon();
      this.sendCancelRequest();
    };
    signal.addEventListener('abort', onAbort, { once: true });
    return result.finally(() => {
      this.running--;
      signal.removeEventListener('abort', onAbort);
      if (this.abandoned) void this.end().catch(() => undefined);
    }) as never;
  }

  private abandon(): void {
    if (this.abandoned) return;
    this.abandoned = true;
    // No query running: nothing to wait for, close now (pg-pool drops an ended client on release).
    if (this.running === 0) void this.end().catch(() => undefined);
  }

  /** PostgreSQL's CancelRequest (protocol 3.0): length 16, code 80877102, backend pid, secret key; on a connection of its own. */
  private sendCancelRequest(): void {
    const { processID, secretKey, host, port } = this as unknown as { processID: number | null; secretKey: number | null; host: string; port: number };
    if (processID === null || secretKey === null) return;
    const packet = Buffer.alloc(16);
    packet.writeInt32BE(16, 0);
    packet.writeInt32BE(80877102, 4);
    packet.writeInt32BE(processID, 8);
    packet.writeInt32BE(secretKey, 12);
    const socket = host.startsWith('/') ? connect(`${host}/.s.PGSQL.${port}`) : connect(port, host);
    socket.setTimeout(5000, () => socket.destroy());
    socket.on('error', () => undefined); // the server is gone: its query is gone with it
    socket.on('connect', () => socket.end(packet));
  }
}

function isPromise(value: unknown): value is Promise<unknown> {
  return typeof (value as { then?: unknown } | null)?.then === 'function';
}
