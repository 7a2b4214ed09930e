import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { WORKSPACE_ROOT } from './harness/workspace-paths';

/** The size of each scenario; the flags below set them. */
export interface BenchSizes {
  /** Agent rows in the fleet every scenario runs on. */
  agents: number;
  /** Finished command rows loaded before the scenarios (production tables are large). */
  commands: number;
  /** Agents one action's commands are created for. */
  commandAgents: number;
  heartbeatAgents: number;
  heartbeatBatch: number;
  /** Batches a forwarder keeps in flight. */
  heartbeatBatchesInFlight: number;
  singleHeartbeats: number;
  inFlight: number;
  spoolFiles: number;
  getCalls: number;
}

export interface BenchOptions {
  sizes: BenchSizes;
  repetitions: number;
  /** Scenario ids to run (all when empty). */
  only: string[];
  /** Where latest.json and latest.md go. */
  outDir: string;
  smoke: boolean;
  databaseUrl?: string;
  /** Where the data service writes its V8 CPU profile (node --cpu-prof), when set. */
  profileDir?: string;
  /** A database already holding a loaded fleet (--fleet-database): migrated and used as it is, never dropped. */
  fleetDatabaseUrl?: string;
}

const DEFAULT_SIZES: BenchSizes = {
  agents: 1_000_000,
  commands: 0,
  commandAgents: 100_000,
  heartbeatAgents: 20_000,
  heartbeatBatch: 1_000,
  heartbeatBatchesInFlight: 2,
  singleHeartbeats: 20_000,
  inFlight: 100,
  spoolFiles: 10_000,
  getCalls: 2_000,
};

/** Small enough to run in CI in well under a minute, large enough that every code path runs. */
const SMOKE_SIZES: BenchSizes = {
  agents: 10_000,
  commands: 2_000,
  commandAgents: 2_000,
  heartbeatAgents: 500,
  heartbeatBatch: 100,
  heartbeatBatchesInFlight: 2,
  singleHeartbeats: 500,
  inFlight: 100,
  spoolFiles: 100,
  getCalls: 200,
};

const SIZE_FLAGS: Record<keyof BenchSizes, string> = {
  agents: 'agents',
  commands: 'commands',
  commandAgents: 'command-agents',
  heartbeatAgents: 'heartbeat-agents',
  heartbeatBatch: 'heartbeat-batch',
  heartbeatBatchesInFlight: 'heartbeat-batches-in-flight',
  singleHeartbeats: 'single-heartbeats',
  inFlight: 'in-flight',
  spoolFiles: 'spool-files',
  getCalls: 'get-calls',
};

export const USAGE = `Usage: npm run bench -- [options]     (or: npx nx run bench:run --args="[options]")
Measures the MIG data service against raw PostgreSQL (and a bare gRPC echo) in one run and writes
bench/results/latest.json and latest.md. Uses DATABASE_URL's server when set (in a new database
beside it), else an embedded PostgreSQL.
  --smoke                         small sizes, 2 repetitions: checks the harness, not the speed
  --repetitions N                 measured runs of each side, alternated (default 5)
  --only a,b                      run only these scenarios (ids as in the table)
  --out DIR                       where latest.json and latest.md go (default bench/results)
  --profile DIR                   run the data service under node --cpu-prof, its profile written to DIR
                                  when it stops (read it with node tools/summarize-cpu-profile.js)
  --fleet-database URL            run on this database's fleet, loaded before (e.g. by load-fleet) and
                                  kept: no load, no commands seeded, migrated first, never dropped;
                                  the scenarios write to it (commands, heartbeats, statistics)
${Object.entries(SIZE_FLAGS)
  .map(([key, flag]) => `  --${flag.padEnd(30)}  default ${DEFAULT_SIZES[key as keyof BenchSizes].toLocaleString('en-US')}`)
  .join('\n')}
MIG's production size: --agents 21000000 --commands 20000000 (slow: loads ~40 million rows).`;

export class UsageError extends Error {}

export function readBenchOptions(argv: string[], env: NodeJS.ProcessEnv): BenchOptions | 'help' {
  const sizeOptions = Object.fromEntries(Object.values(SIZE_FLAGS).map((flag) => [flag, { type: 'string' as const }]));
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      options: {
        ...sizeOptions,
        smoke: { type: 'boolean' },
        repetitions: { type: 'string' },
        only: { type: 'string' },
        out: { type: 'string' },
        profile: { type: 'string' },
        'fleet-database': { type: 'string' },
        help: { type: 'boolean' },
      },
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const values = parsed.values as Record<string, string | boolean | undefined>;
  if (values.help) return 'help';
  const smoke = values.smoke === true;
  const sizes = { ...(smoke ? SMOKE_SIZES : DEFAULT_SIZES) };
  const problems: string[] = [];
  const count = (flag: string, raw: string | boolean | undefined, min: number): number | undefined => {
    if (raw === undefined) return undefined;
    const value = Number(String(raw).replace(/_/g, ''));
    if (!Number.isSafeInteger(value) || value < min) {
      problems.push(`--${flag}=${raw}: must be a whole number, at least ${min}`);
      return undefined;
    }
    return value;
  };
  for (const [key, flag] of Object.entries(SIZE_FLAGS) as Array<[keyof BenchSizes, string]>) {
    sizes[key] = count(flag, values[flag], key === 'commands' ? 0 : 1) ?? sizes[key];
  }
  if (sizes.commandAgents > sizes.agents) problems.push(`--command-agents (${sizes.commandAgents}) cannot exceed --agents (${sizes.agents})`);
  const repetitions = count('repetitions', values.repetitions, 1) ?? (smoke ? 2 : 5);
  if (problems.length > 0) throw new UsageError(problems.join('\n'));
  return {
    sizes,
    repetitions,
    only: typeof values.only === 'string' ? values.only.split(',').map((id) => id.trim()).filter(Boolean) : [],
    outDir: resolve(typeof values.out === 'string' ? values.out : resolve(WORKSPACE_ROOT, 'bench/results')),
    smoke,
    databaseUrl: env.DATABASE_URL || undefined,
    profileDir: typeof values.profile === 'string' ? resolve(values.profile) : undefined,
    fleetDatabaseUrl: typeof values['fleet-database'] === 'string' ? values['fleet-database'] : undefined,
  };
}
