import type { ValueTransformer } from 'typeorm';
import { readMigOperations, type Operation } from '@mig-data/domain';

/**
 * actions.operations holds the operations exactly as their signatures cover them: MIG's own JSON
 * (`json.Marshal(action.Operations)` in Go, written by ActionRepository.insert from the verified
 * canonical string), the same text MIG's Go code stores and reads. Read back into the domain's
 * Operation, flags included, the way Go reads it.
 */
export function operationsFromStored(stored: unknown): Operation[] | null {
  return stored === null || stored === undefined ? null : readMigOperations(stored, 'actions.operations');
}

export const storedOperations: ValueTransformer = {
  // Never written through the ORM: only ActionRepository.insert writes them, as signed text.
  to: (value: unknown) => value,
  from: operationsFromStored,
};
