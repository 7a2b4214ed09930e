import { status } from '@grpc/grpc-js';

/** A failed call to the data service, as grpc-js rejects it. */
export interface ServiceFailure {
  code: number;
  details: string;
}

export function isServiceFailure(error: unknown): error is ServiceFailure {
  return typeof (error as ServiceFailure)?.code === 'number' && typeof (error as ServiceFailure)?.details === 'string';
}

/**
 * The service refused the input itself (bad action, unknown signer, wrong agent…): repeating the
 * call cannot help, so the file is set aside with this reason. Anything else (UNAVAILABLE,
 * DEADLINE_EXCEEDED, RESOURCE_EXHAUSTED, ABORTED, INTERNAL, or not a service answer at all) is
 * passing: the file stays where it is and the next pass tries again.
 */
export function refusalReason(error: unknown): string | undefined {
  if (!isServiceFailure(error)) return undefined;
  const refusals = [status.INVALID_ARGUMENT, status.PERMISSION_DENIED, status.FAILED_PRECONDITION, status.NOT_FOUND, status.ALREADY_EXISTS, status.OUT_OF_RANGE];
  return refusals.includes(error.code) ? `the data service refused it: ${status[error.code]}: ${error.details}` : undefined;
}

export function hasCode(error: unknown, code: status): boolean {
  return isServiceFailure(error) && error.code === code;
}

/** A short description of a failure for the log. */
export function describeFailure(error: unknown): string {
  return isServiceFailure(error) ? `${status[error.code]}: ${error.details}` : (error as Error)?.message ?? String(error);
}
