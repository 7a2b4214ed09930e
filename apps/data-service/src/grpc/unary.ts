import type { sendUnaryData, ServerUnaryCall, UntypedServiceImplementation } from '@grpc/grpc-js';
import { requireStorableValues } from '@mig-data/domain';
import type { Logger } from '../logging/logger';
import { RefusedRequest } from './decode-guard';
import { toServiceError } from './grpc-error';

/** An RPC written as a plain async function of its request. */
export type UnaryMethod<Request, Response> = (request: Request) => Promise<Response>;

/** A service's RPCs as async functions: what each `*-service.ts` file implements. */
// The generated interfaces also carry grpc-js's `[name: string]` index signature, which is dropped here.
export type UnaryMethods<Service> = { [Name in keyof Service as string extends Name ? never : Name]: Service[Name] extends (call: ServerUnaryCall<infer Req, infer Res>, callback: sendUnaryData<infer _>) => void ? UnaryMethod<Req, Res> : never };

/**
 * Turns async methods into grpc-js unary handlers: the result or the mapped error goes back to
 * the caller, and every failure is logged with the method's name. Before a method runs, the
 * request must have decoded (see decode-guard.ts) and hold only values that can be stored
 * (no NUL, times in range, finite numbers): one check for every field of every RPC.
 */
export function unaryHandlers<Service>(serviceName: string, methods: UnaryMethods<Service>, logger: Logger): Service & UntypedServiceImplementation {
  const handlers: Record<string, unknown> = {};
  for (const [name, method] of Object.entries(methods as Record<string, UnaryMethod<unknown, unknown>>)) {
    const fullName = `${serviceName}/${name}`;
    const run = async (request: unknown) => {
      if (request instanceof RefusedRequest) {
        const { undecodable } = request;
        if (undecodable) logger.warn('undecodable request', { method: fullName, bytes: undecodable.byteLength, error: String(undecodable.cause) });
        throw request.error;
      }
      requireStorableValues(request);
      return method(request);
    };
    handlers[name] = (call: ServerUnaryCall<unknown, unknown>, callback: sendUnaryData<unknown>) => {
      run(call.request).then(
        (response) => callback(null, response),
        (error: unknown) => {
          const serviceError = toServiceError(error, logger, { method: fullName });
          logger.debug('rpc refused', { method: fullName, code: serviceError.code, details: serviceError.details });
          callback(serviceError);
        },
      );
    };
  }
  return handlers as Service & UntypedServiceImplementation;
}
