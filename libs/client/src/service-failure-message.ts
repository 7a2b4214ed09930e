import { status, type ServiceError } from '@grpc/grpc-js';

/**
 * What a command line prints when a call to the data service failed: `CODE: details`, or for
 * UNAVAILABLE what to check (is the service at `address` running, does it accept this certificate).
 * Undefined when `error` is not a service's answer (a local mistake the caller words itself).
 */
export function serviceFailureMessage(error: unknown, address: string, overTls: boolean): string | undefined {
  const serviceError = error as Partial<ServiceError>;
  if (typeof serviceError?.code !== 'number') return undefined;
  const reason =
    serviceError.code === status.UNAVAILABLE
      ? `cannot reach the data service at ${address} (is it running?${overTls ? ` does it accept this certificate? ${serviceError.details}` : ''})`
      : serviceError.details;
  return `${status[serviceError.code]}: ${reason}`;
}
