import type { DataServiceClients } from '@mig-data/client';
import { QUERY_CANCELED } from '@mig-data/database';
import { expandTargetSql } from '../data/expand-target-sql';
import type { BenchContext } from '../harness/bench-context';
import type { Sample, Scenario } from '../harness/scenario';
import { summarize } from '../stats/summary';

type FleetClient = DataServiceClients['fleet'];

const TARGET = "queueloc LIKE 'linux.%'";

interface FleetQuery {
  title: string;
  /** What the service side runs, for the table. */
  serviceLabel: string;
  rawLabel: string;
  rawSql: string;
  targetRatio: number;
  /** Runs the whole query through the service (every page); returns the rows it got. */
  viaService(fleet: FleetClient): Promise<number>;
}

/**
 * Target expansion: ExpandTarget streamed to its last batch (full agents, default batches) against
 * the same SELECT run directly. The time until the first batch arrives is noted.
 */
export function targetExpansionScenario(context: BenchContext): Scenario {
  return streamedExpansionScenario(context, 'agents');
}

/** The lean form: ExpandTarget with identities_only against the SELECT of id and queueloc. */
export function targetIdentitiesScenario(context: BenchContext): Scenario {
  return streamedExpansionScenario(context, 'identities');
}

function streamedExpansionScenario(context: BenchContext, form: 'agents' | 'identities'): Scenario {
  const firstBatchMs: number[] = [];
  const notes: string[] = [];
  const scenario = fleetQueryScenario(context, {
    title: `target expansion \`${TARGET}\`${form === 'identities' ? ', identities only' : ''}`,
    serviceLabel: form === 'identities' ? 'ExpandTarget RPC, identities_only, streamed' : 'ExpandTarget RPC, streamed',
    rawLabel: form === 'identities' ? 'the same SELECT of id, queueloc, plain pg' : 'the same SELECT, plain pg',
    rawSql: expandTargetSql(TARGET, form),
    targetRatio: 1.3,
    viaService: async (fleet) => {
      const start = performance.now();
      let agents = 0;
      for await (const batch of fleet.expandTarget({ target: TARGET, withEnvironment: false, identitiesOnly: form === 'identities', batchSize: 0 })) {
        if (agents === 0) firstBatchMs.push(performance.now() - start);
        agents += form === 'identities' ? batch.identities!.ids.length : batch.agents.length;
      }
      return agents;
    },
  });
  return {
    ...scenario,
    notes,
    cleanup: async () => {
      if (firstBatchMs.length === 0) return;
      const { median, min, max } = summarize(firstBatchMs);
      notes.push(`first batch at the client after ${median.toFixed(1)} ms (median; ${min.toFixed(1)}–${max.toFixed(1)} ms over ${firstBatchMs.length} runs)`);
    },
  };
}

/** A read of the whole fleet, timed end to end (all rows at the client) through the service and by plain SQL on the same pool. */
function fleetQueryScenario(context: BenchContext, query: FleetQuery): Scenario {
  const timed = async (work: () => Promise<number>): Promise<Sample> => {
    const start = performance.now();
    const rows = await work();
    return { value: performance.now() - start, work: rows };
  };
  return {
    title: query.title,
    size: `${context.fleet.agents.toLocaleString('en-US')} agent rows`,
    unit: 'ms',
    service: { id: 'service', label: query.serviceLabel, run: () => timed(() => query.viaService(context.clients.fleet)) },
    baselines: [{ id: 'raw', label: query.rawLabel, run: () => timed(() => rawRows(context, query.rawSql)) }],
    targets: [{ baseline: 'raw', op: '<=', value: query.targetRatio }],
  };
}

async function rawRows(context: BenchContext, sql: string): Promise<number> {
  try {
    return (await context.pool.query(sql)).rowCount ?? 0;
  } catch (error) {
    if ((error as { code?: string }).code !== QUERY_CANCELED) throw error;
    throw new Error(`the raw query did not finish within the bench's statement_timeout on ${context.fleet.agents.toLocaleString('en-US')} agent rows`);
  }
}
