import { Metadata, status, type ServiceError } from '@grpc/grpc-js';
import { databaseErrorAsDomain } from '@mig-data/database';
import { DomainError } from '@mig-data/domain';
import type { Logger } from '../logging/logger';

const CODE_OF: Record<DomainError['kind'], status> = {
  'invalid-argument': status.INVALID_ARGUMENT,
  'not-found': status.NOT_FOUND,
  'already-exists': status.ALREADY_EXISTS,
  'failed-precondition': status.FAILED_PRECONDITION,
  'permission-denied': status.PERMISSION_DENIED,
  'deadline-exceeded': status.DEADLINE_EXCEEDED,
  unavailable: status.UNAVAILABLE,
  aborted: status.ABORTED,
  'resource-exhausted': status.RESOURCE_EXHAUSTED,
};

/**
 * Longest message sent back. Details travel in one HTTP/2 header (grpc-message); messages quote
 * input through quoteInput, and this cap is the backstop for any that does not.
 */
const MAX_DETAILS_CHARS = 1024;

/**
 * The one mapping from errors to gRPC statuses. Domain errors carry a message written for the
 * caller; database outages and conflicts are first translated into domain errors (libs/database
 * databaseErrorAsDomain) and logged with their cause; anything else is our fault: the caller gets
 * a generic INTERNAL with a reference, the log gets the whole cause (never the other way round, so
 * no SQL reaches a client).
 */
export function toServiceError(error: unknown, logger: Logger, context: { method: string }): Partial<ServiceError> {
  const domainError = databaseErrorAsDomain(error);
  if (domainError) {
    if (domainError !== error) logger.warn('database unavailable or conflicting', { method: context.method, kind: domainError.kind, error: describe(error) });
    return { code: CODE_OF[domainError.kind], details: capped(domainError.message), metadata: new Metadata() };
  }
  const reference = Math.random().toString(36).slice(2, 10);
  logger.error('unexpected error', { method: context.method, reference, error: describe(error) });
  return { code: status.INTERNAL, details: `internal error (reference ${reference}); the service log has the cause`, metadata: new Metadata() };
}

function capped(details: string): string {
  return details.length <= MAX_DETAILS_CHARS ? details : `${details.slice(0, MAX_DETAILS_CHARS)}… (message cut at ${MAX_DETAILS_CHARS} characters)`;
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}\n${error.stack ?? ''}` : String(error);
}
