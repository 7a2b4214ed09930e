// Domain errors know nothing of gRPC: the data service maps each kind to one status code
// (apps/data-service/src/grpc/grpc-error.ts). Messages are written for the caller: they say what
// to fix and never carry SQL or key material.

export abstract class DomainError extends Error {
  abstract readonly kind:
    | 'invalid-argument'
    | 'not-found'
    | 'already-exists'
    | 'failed-precondition'
    | 'permission-denied'
    | 'deadline-exceeded'
    | 'unavailable'
    | 'aborted'
    | 'resource-exhausted';
}

/** The request itself is wrong; `field` names the offending field (e.g. `action.validfrom`). */
export class InvalidArgumentError extends DomainError {
  readonly kind = 'invalid-argument' as const;
  constructor(readonly field: string, reason: string) {
    super(`${field}: ${reason}`);
  }
}

export class NotFoundError extends DomainError {
  readonly kind = 'not-found' as const;
  constructor(readonly entity: string, readonly id: number | string) {
    super(`${entity} ${id} does not exist`);
  }
}

export class AlreadyExistsError extends DomainError {
  readonly kind = 'already-exists' as const;
}

/** The request is well-formed but the current state forbids it (e.g. finishing a completed action). */
export class FailedPreconditionError extends DomainError {
  readonly kind = 'failed-precondition' as const;
}

export class PermissionDeniedError extends DomainError {
  readonly kind = 'permission-denied' as const;
}

/** Work stopped because it ran past its time limit (e.g. a target expression that runs too long). */
export class DeadlineExceededError extends DomainError {
  readonly kind = 'deadline-exceeded' as const;
}

/**
 * The database cannot be reached right now (connection lost, server restarting, every pooled
 * connection busy): nothing was done, and the same call may succeed after a short wait.
 */
export class UnavailableError extends DomainError {
  readonly kind = 'unavailable' as const;
}

/**
 * The work collided with concurrent work (serialization failure, deadlock) and was rolled back,
 * after the retries the service makes itself: nothing was done; retrying the whole call is safe.
 */
export class AbortedError extends DomainError {
  readonly kind = 'aborted' as const;
}

/** What was asked is larger than a limit of the service allows to send or hold (e.g. one agent larger than the largest message). */
export class ResourceExhaustedError extends DomainError {
  readonly kind = 'resource-exhausted' as const;
}
