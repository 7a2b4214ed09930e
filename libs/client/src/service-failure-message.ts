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

/** Bad arguments on a command line: the program prints the message and the command's usage and exits 2. */
export class UsageError extends Error {}

/**
 * The one way mig-operator and mig-spool end a command that threw: its usage for bad arguments
 * (exit 2), else the service's answer or the local error under the command's name (exit 1).
 */
export function commandFailureExitCode(error: unknown, command: { name: string; usage: string }, address: string, overTls: boolean, err: (text: string) => void): number {
  if (error instanceof UsageError || (error as { code?: string }).code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
    err(`${(error as Error).message}\nusage: ${command.usage}`);
    return 2;
  }
  err(`${command.name}: ${serviceFailureMessage(error, address, overTls) ?? (error as Error).message}`);
  return 1;
}
