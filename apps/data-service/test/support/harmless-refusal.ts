import { connectDataService, type DataServiceClients } from '@mig-data/client';
import type { TestService } from './test-service';

const TABLES = ['agents', 'actions', 'commands', 'investigators', 'signatures', 'modules', 'agtmodreq', 'invagtmodperm', 'agents_stats'];

/** Rows in every table a write RPC can touch: what "nothing was written" is checked against. */
export async function rowCounts(t: TestService): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const table of TABLES) {
    const { rows } = await t.sql.query(`SELECT count(*)::int AS n FROM ${table}`);
    counts[table] = rows[0].n;
  }
  return counts;
}

export interface Refusal {
  code: number;
  details: string;
  /** Slowest GetAgent answer another caller got while the refused call was in flight, in ms. */
  slowestOtherCallMs: number;
}

/**
 * Runs a call expected to fail while another caller (its own connection) keeps asking GetAgent,
 * and returns the refusal with how long the other caller waited at worst. The other caller asks
 * at least once after the call was sent and once after it was answered.
 */
export async function refusalWhileOthersCall(t: TestService, other: DataServiceClients, agentId: number, call: () => Promise<unknown>): Promise<Refusal> {
  let settled = false;
  const refused = call().then(
    () => {
      settled = true;
      throw new Error('the call succeeded but was expected to fail');
    },
    (error: { code: number; details: string }) => {
      settled = true;
      return { code: error.code, details: error.details };
    },
  );
  let slowest = 0;
  const ask = async () => {
    const started = performance.now();
    await other.agents.getAgent({ id: agentId });
    slowest = Math.max(slowest, performance.now() - started);
  };
  do await ask();
  while (!settled);
  await ask();
  const { code, details } = await refused;
  return { code, details, slowestOtherCallMs: slowest };
}

/** Another caller of the same service on its own connection. */
export function anotherCaller(t: TestService): DataServiceClients {
  return connectDataService(t.service.address);
}
