import { randomUUID } from 'node:crypto';
import { Metadata, status, type sendUnaryData, type ServiceError, type ServerUnaryCall, type ServerWritableStream, type ServiceDefinition, type UntypedServiceImplementation } from '@grpc/grpc-js';
import { runCancellable } from '@mig-data/database';
import { requireStorableValues } from '@mig-data/domain';
import { AUDITED } from '../access/audit';
import { callerOf, requireRole, type CallerIdentification } from '../access/caller';
import { RPC_ROLES } from '../access/rpc-roles';
import type { Logger } from '../logging/logger';
import { abandonmentSignal, type CallGate } from './call-limits';
import type { CallKind, CallObserver } from './call-observer';
import { RefusedRequest } from './decode-guard';
import { toServiceError } from './grpc-error';
import { writeWithBackpressure } from './server-stream';

/** An RPC written as a plain async function of its request. */
export type UnaryMethod<Request, Response> = (request: Request) => Promise<Response>;

/** A server-streaming RPC written as an async iterable of its messages (an async generator). */
export type StreamMethod<Request, Response> = (request: Request) => AsyncIterable<Response>;

/** A service's RPCs as async functions and generators: what each `*-service.ts` file implements. */
// The generated interfaces also carry grpc-js's `[name: string]` index signature, which is dropped here.
export type RpcMethods<Service> = {
  [Name in keyof Service as string extends Name ? never : Name]: Service[Name] extends (call: ServerUnaryCall<infer Req, infer Res>, callback: sendUnaryData<infer _>) => void
    ? UnaryMethod<Req, Res>
    : Service[Name] extends (call: ServerWritableStream<infer Req, infer Res>) => void
      ? StreamMethod<Req, Res>
      : never;
};

export interface RpcHandlerOptions {
  logger: Logger;
  identification: CallerIdentification;
  gate: CallGate;
  observers?: readonly CallObserver[];
  /** How long a server stream waits for a caller that reads nothing before it ends the stream. */
  streamStallMs: number;
}

const STATUS_NAME: Record<number, string> = Object.fromEntries(Object.entries(status).filter(([, code]) => typeof code === 'number').map(([name, code]) => [code, name]));

/** A caller's x-request-id if it is a short printable token, else a new one. */
function requestIdOf(metadata: Metadata): string {
  const given = metadata.get('x-request-id')[0];
  return typeof given === 'string' && /^[\x21-\x7e]{1,128}$/.test(given) ? given : randomUUID();
}

/**
 * Turns async methods into grpc-js handlers, every call in the same order: the caller's
 * role is checked against RPC_ROLES (access/rpc-roles.ts) before anything else, so a refused
 * caller learns nothing, not even whether what it names exists; then the request must have
 * decoded (see decode-guard.ts) and hold only values that can be stored (no NUL, times in range,
 * finite numbers); then the method runs. The result or the mapped error goes back to the caller
 * with its request id (x-request-id, the caller's or a new one), and each call leaves one access
 * line (method, role, certificate subject, code, duration, request id) and, for a change listed
 * in access/audit.ts, one audit line. A call past the gate's cap is refused RESOURCE_EXHAUSTED;
 * a call whose caller gives up or whose deadline passes has its work and database queries
 * stopped (call-limits.ts, runCancellable). Each call's end, with its code and duration, also goes
 * to every observer (metrics). A server-streaming method (responseStream in `definition`) is an
 * async iterable whose messages are written with backpressure (server-stream.ts); its access line
 * and observers come when the stream ends, and an error after some messages ends the stream with
 * that error's status.
 */
export function rpcHandlers<Service>(serviceName: string, definition: ServiceDefinition, methods: RpcMethods<Service>, options: RpcHandlerOptions): Service & UntypedServiceImplementation {
  const { logger, identification, gate, observers = [], streamStallMs } = options;
  const handlers: Record<string, unknown> = {};
  for (const [name, method] of Object.entries(methods as Record<string, (request: unknown) => unknown>)) {
    const fullName = `${serviceName}/${name}`;
    const path = `${serviceName}/${name.charAt(0).toUpperCase()}${name.slice(1)}`;
    // Fail at start rather than let an RPC nobody placed in the table be refused to everyone.
    if (!RPC_ROLES[path]) throw new Error(`${path} has no entry in RPC_ROLES (apps/data-service/src/access/rpc-roles.ts): say which roles may call it`);
    const streams = definition[name]?.responseStream === true;
    const kind: CallKind = streams ? 'server_stream' : 'unary';
    const run = (request: unknown) => {
      if (request instanceof RefusedRequest) {
        const { undecodable } = request;
        if (undecodable) logger.warn('undecodable request', { method: fullName, bytes: undecodable.byteLength, error: String(undecodable.cause) });
        throw request.error;
      }
      requireStorableValues(request);
      return method(request);
    };
    handlers[name] = (call: ServerUnaryCall<unknown, unknown> | ServerWritableStream<unknown, unknown>, callback?: sendUnaryData<unknown>) => {
      const started = process.hrtime.bigint();
      const requestId = requestIdOf(call.metadata);
      const caller = callerOf(call, identification);
      const who = { role: caller.role, subject: caller.subject, requestId };
      // A unary call's request id goes in the headers sent with its answer, not ahead of it: sent
      // alone, they cost a write and a packet of their own per call. A stream sends them at once.
      const sendRequestId = () => {
        const answer = new Metadata();
        answer.set('x-request-id', requestId);
        call.sendMetadata(answer);
      };
      if (streams) sendRequestId();
      const access = (code: number) => {
        const durationMs = Number(process.hrtime.bigint() - started) / 1e6;
        logger.info('rpc', { method: path, ...who, code: STATUS_NAME[code] ?? code, durationMs });
        for (const observer of observers) observer.callEnded(path, kind, code, durationMs / 1000);
      };
      // One way to answer for both kinds of call: a unary callback, or a stream's end or error.
      const respond = (error: Partial<ServiceError> | null, response?: unknown) => {
        if (!streams) {
          sendRequestId();
          callback!(error, response);
        } else if (error) call.emit('error', error);
        else (call as ServerWritableStream<unknown, unknown>).end();
      };
      if (!gate.enter()) {
        access(status.RESOURCE_EXHAUSTED);
        respond({ code: status.RESOURCE_EXHAUSTED, details: `the service is handling its maximum of ${gate.max} calls at once (MIG_DATA_MAX_CALLS_IN_FLIGHT); retry after a short wait` });
        return;
      }
      const abandonment = abandonmentSignal(call);
      const work = async () => {
        requireRole(path, caller);
        const result = run(call.request);
        if (!streams) return result;
        await writeWithBackpressure(call as ServerWritableStream<unknown, unknown>, result as AsyncIterable<unknown>, abandonment.signal, streamStallMs);
        return undefined;
      };
      runCancellable(abandonment.signal, () => Promise.resolve().then(work))
        .then(
          async (response) => {
            const audit = AUDITED[path];
            if (audit) {
              // The change is made: a failure to describe it is logged, never turned into the caller's error.
              const fields = await Promise.resolve()
                .then(() => audit(call.request as Record<string, unknown>, response as Record<string, unknown>))
                .catch((error: unknown) => ({ event: 'unreadable change', error: String(error) }));
              logger.info('audit', { ...fields, method: path, ...who });
            }
            access(status.OK);
            respond(null, response);
          },
          (error: unknown) => {
            if (abandonment.signal.aborted) {
              // The caller already has its answer (CANCELLED or DEADLINE_EXCEEDED from grpc-js); this one is not sent.
              access(status.CANCELLED);
              respond({ code: status.CANCELLED, details: 'the call was abandoned' });
              return;
            }
            const serviceError = toServiceError(error, logger, { method: fullName });
            logger.debug('rpc refused', { method: fullName, code: serviceError.code, details: serviceError.details });
            access(serviceError.code ?? status.UNKNOWN);
            respond(serviceError);
          },
        )
        .finally(() => {
          abandonment.dispose();
          gate.leave();
        });
    };
  }
  return handlers as Service & UntypedServiceImplementation;
}
