import { Metadata, status, type ServiceError } from '@grpc/grpc-js';
import { DomainError } from '@mig-data/domain';
import type { Logger } from '../logging/logger';

const CODE_OF: Record<DomainError['kind'], status> = {
  'invalid-argument': status.INVALID_ARGUMENT,
  'not-found': status.NOT_FOUND,
  'already-exists': status.ALREADY_EXISTS,
  'failed-precondition': status.FAILED_PRECONDITION,
  'permission-denied': status.PERMISSION_DENIED,
  'deadline-exceeded': status.DEADLINE_EXCEEDED,
};

/**
 * The one mapping from errors to gRPC statuses. Domain errors carry a message written for the
 * caller; anything else is our fault: the caller gets a generic INTERNAL with a reference, the
 * log gets the whole cause (never the other way round, so no SQL reaches a client).
 */
export function toServiceError(error: unknown, logger: Logger, context: { method: string }): Partial<ServiceError> {
  if (error instanceof DomainError) {
    return { code: CODE_OF[error.kind], details: error.message, metadata: new Metadata() };
  }
  const reference = Math.random().toString(36).slice(2, 10);
  logger.error('unexpected error', { method: context.method, reference, error: describe(error) });
  return { code: status.INTERNAL, details: `internal error (reference ${reference}); the service log has the cause`, metadata: new Metadata() };
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}\n${error.stack ?? ''}` : String(error);
}
