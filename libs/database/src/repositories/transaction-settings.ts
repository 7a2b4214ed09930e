import type { EntityManager } from 'typeorm';

/** Runs `work` in `manager`'s transaction if it is in one, else in a new transaction of its own. */
export function inTransaction<T>(manager: EntityManager, work: (transaction: EntityManager) => Promise<T>): Promise<T> {
  return manager.queryRunner?.isTransactionActive ? work(manager) : manager.transaction(work);
}

/**
 * Runs `work` in a transaction (`manager`'s, or one of its own) after `settings`, SET LOCAL
 * statements for the planner and memory of a fleet-wide read: they end with that transaction, so
 * the pooled connection goes back as it came (the pool's statement_timeout and the call's
 * cancellation, CancellableClient, apply to the queries as to any other).
 */
export function withLocalSettings<T>(manager: EntityManager, settings: string, work: (transaction: EntityManager) => Promise<T>): Promise<T> {
  return inTransaction(manager, async (transaction) => {
    await transaction.query(settings);
    return work(transaction);
  });
}
