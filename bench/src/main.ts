import { existsSync } from 'node:fs';
import { cpus, platform, totalmem } from 'node:os';
import { Pool } from 'pg';
import { connectDataService } from '@mig-data/client';
import { FLEET_QUERY_WORK_MEM } from '@mig-data/database';
import { readBenchOptions, USAGE, UsageError, type BenchOptions } from './bench-options';
import { expectedLoadEnd, loadBenchCommands, loadBenchFleet, loadedFleet, waitUntil } from './data/bench-fleet';
import { connectEcho } from './echo/echo-client';
import { openBenchDatabase, openFleetDatabase } from './harness/bench-database';
import { runScenario } from './harness/run-scenario';
import { spawnServer } from './harness/service-process';
import { BENCH_SCRATCH_DIR, DATA_SERVICE_MAIN, ECHO_SERVER_MAIN, SPOOL_MAIN } from './harness/workspace-paths';
import type { BenchResults, ScenarioResult } from './report/bench-results';
import { writeResults } from './report/write-results';
import { BENCH_SCENARIOS } from './scenarios/bench-scenarios';

// The data service's own default; the raw baselines get the same number of connections.
const POOL_SIZE = 10;
// A raw baseline that runs longer than this is reported as not finishing.
const RAW_STATEMENT_TIMEOUT_MS = 300_000;
// The raw baselines' sessions get the work_mem the service's fleet queries run with: MIG's
// `NOT IN (subquery)` is hashed only while the subquery fits in it, and turns quadratic past that
// (at PostgreSQL's 4 MB default, at production size). Same memory on both sides (bench/README.md).
const RAW_SESSION_OPTIONS = `-c work_mem=${FLEET_QUERY_WORK_MEM}`;

const log = (line: string) => process.stderr.write(`${line}\n`);

async function main(): Promise<number> {
  let options: BenchOptions | 'help';
  try {
    options = readBenchOptions(process.argv.slice(2), process.env);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    log(`${error.message}\n\n${USAGE}`);
    return 2;
  }
  if (options === 'help') {
    console.log(USAGE);
    return 0;
  }
  const unknown = options.only.filter((id) => !BENCH_SCENARIOS.some((scenario) => scenario.id === id));
  if (unknown.length > 0) {
    log(`--only: no scenario ${unknown.join(', ')}; scenarios: ${BENCH_SCENARIOS.map((scenario) => scenario.id).join(', ')}`);
    return 2;
  }
  for (const built of [DATA_SERVICE_MAIN, ECHO_SERVER_MAIN, SPOOL_MAIN]) {
    if (!existsSync(built)) {
      log(`${built} is missing: build first, or run the bench as \`npm run bench\` (npx nx run bench:run), which builds what it needs`);
      return 2;
    }
  }

  const startedAt = new Date();
  const { sizes } = options;
  const database = options.fleetDatabaseUrl ? await openFleetDatabase(options.fleetDatabaseUrl, log) : await openBenchDatabase(options.databaseUrl, log);
  const pool = new Pool({ connectionString: database.url, max: POOL_SIZE, application_name: 'mig-bench-raw', statement_timeout: RAW_STATEMENT_TIMEOUT_MS, options: RAW_SESSION_OPTIONS });
  pool.on('error', (error) => log(`raw pool: ${error.message}`));
  // Stopped in this order: clients, servers, then the pool, then the database.
  const stops: Array<() => Promise<void> | void> = [() => pool.end(), () => database.close()];
  const scenarios: ScenarioResult[] = [];
  let loadSeconds = 0;
  let fleetLoadedBeforehand: string | undefined;
  try {
    const loadStart = performance.now();
    let fleet;
    if (options.fleetDatabaseUrl) {
      fleet = await loadedFleet(pool);
      const { rows } = await pool.query<{ count: string }>('SELECT count(*) AS count FROM commands');
      Object.assign(sizes, { agents: fleet.agents, commands: Number(rows[0].count) });
      fleetLoadedBeforehand = `loaded beforehand into the database given with --fleet-database`;
    } else {
      const loadEnd = expectedLoadEnd(sizes.agents, sizes.commands);
      fleet = await loadBenchFleet(pool, sizes.agents, loadEnd);
      await loadBenchCommands(pool, fleet, sizes.commands);
      await waitUntil(loadEnd);
    }
    loadSeconds = (performance.now() - loadStart) / 1000;

    const service = await spawnServer({
      name: 'the data service',
      main: DATA_SERVICE_MAIN,
      nodeFlags: options.profileDir ? ['--cpu-prof', `--cpu-prof-dir=${options.profileDir}`] : [],
      env: {
        ...process.env,
        DATABASE_URL: database.url,
        MIG_DATA_LISTEN: '127.0.0.1:0',
        MIG_DATA_LOG_LEVEL: 'warn',
        MIG_DATA_DB_POOL_SIZE: String(POOL_SIZE),
        // The periodic fleet jobs (statuses, statistics) would rewrite agents under the scenarios.
        MIG_DATA_AGENT_STATUS_JOB_INTERVAL_MS: '0',
        MIG_DATA_AGENTS_STATS_JOB_INTERVAL_MS: '0',
      },
      readyLine: /mig-data service listening on (\S+)/,
    });
    stops.unshift(() => service.stop());
    const echo = await spawnServer({ name: 'the echo server', main: ECHO_SERVER_MAIN, env: process.env, readyLine: /echo server listening on (\S+)/ });
    stops.unshift(() => echo.stop());
    const clients = connectDataService(service.address, { timeoutMs: 600_000 });
    const echoClient = connectEcho(echo.address);
    stops.unshift(() => clients.close(), () => echoClient.close());

    const context = { sizes, pool, poolSize: POOL_SIZE, service, clients, echoClient, fleet, scratchDir: BENCH_SCRATCH_DIR };
    for (const { id, create } of BENCH_SCENARIOS) {
      if (options.only.length > 0 && !options.only.includes(id)) continue;
      const scenario = create(context);
      log(`${id}: ${scenario.title}, ${scenario.size}`);
      scenarios.push(await runScenario(id, scenario, options.repetitions, service, { servicePid: service.pid, echoPid: echo.pid, pool }, log));
    }
  } finally {
    for (const stop of stops) await stop();
  }

  const results: BenchResults = {
    startedAt: startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    smoke: options.smoke,
    repetitions: options.repetitions,
    sizes: { ...sizes },
    machine: {
      cpus: cpus().length,
      cpuModel: cpus()[0]?.model.trim() ?? 'unknown',
      memoryGiB: Math.round(totalmem() / 1024 ** 3),
      node: process.versions.node,
      postgres: database.server,
      platform: platform(),
    },
    loadSeconds,
    ...(fleetLoadedBeforehand ? { fleetLoadedBeforehand } : {}),
    scenarios,
  };
  process.stdout.write(await writeResults(results, options.outDir));
  const failed = scenarios.filter((scenario) => scenario.status === 'failed');
  for (const scenario of failed) log(`${scenario.id} FAILED: ${scenario.problems.join('; ')}`);
  return failed.length > 0 ? 1 : 0;
}

// Ctrl-C or a kill still runs the exit hooks that stop the embedded PostgreSQL and the child servers.
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => process.exit(130));

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    log(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    process.exit(1);
  },
);
