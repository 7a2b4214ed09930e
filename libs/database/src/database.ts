import type { DataSource, EntityManager } from 'typeorm';

/**
 * The names the rest of the repository uses for the database, so that only libs/database imports
 * TypeORM (the lint rule in eslint.config.mjs keeps it so): the pool `openMigratedDataSource`
 * returns, which repositories are built on and `transaction(work)` runs a transaction on ...
 */
export type Database = DataSource;

/** ... and the transaction in progress that `transaction(work)` hands to `work`, which repository methods accept so their statements join it. */
export type Transaction = EntityManager;
