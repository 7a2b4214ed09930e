import { Pool } from 'pg';
import { quietClientErrors } from './client-errors';

/**
 * Answers "can the database be reached right now?" on a connection of its own, so that a busy main
 * pool is not mistaken for an unreachable database. Every probe is bounded: connecting and the
 * query each give up after `timeoutMs`, and a connection whose probe failed is thrown away.
 */
export class DatabaseProbe {
  private readonly pool: Pool;

  constructor(url: string, timeoutMs: number) {
    this.pool = new Pool({ connectionString: url, max: 1, connectionTimeoutMillis: timeoutMs, query_timeout: timeoutMs, application_name: 'mig-data-health' });
    // A probe connection dying (database restarted) is found by the next probe.
    quietClientErrors(this.pool);
  }

  /** Resolves when `SELECT 1` answered within the time limit; rejects with the reason otherwise. */
  async probe(): Promise<void> {
    const client = await this.pool.connect();
    try {
      await client.query('SELECT 1');
      client.release();
    } catch (error) {
      client.release(true);
      throw error;
    }
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}
