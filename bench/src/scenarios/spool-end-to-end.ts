import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { ensureSpoolLayout, placeFile, spoolLayout } from '@mig-data/spool';
import { BenchInvestigator } from '../data/bench-action';
import type { BenchContext } from '../harness/bench-context';
import { secondsSince, type Scenario } from '../harness/scenario';
import { spawnServer } from '../harness/service-process';
import { SPOOL_MAIN } from '../harness/workspace-paths';
import { BenchAgents } from '../spool/bench-agents';

/** How often the action's progress is read while the run goes on. */
const POLL_MS = 100;
/** A run that has not finished by then failed. */
const RUN_TIMEOUT_MS = 15 * 60_000;

/**
 * The spool end to end, as a scheduler host runs it: `mig-spool run` (the built app, its own
 * process) and simulated relay and agents (BenchAgents) around one spool directory. One signed
 * action file for `spoolFiles` live agents is placed in action/new; the run ends when the data
 * service says the action is completed with every command's result recorded. Reported: seconds
 * for the whole run, and beside it the seconds until the action was inflight (every command
 * created in the database and written to command/ready), commands/s, and the daemon's peak RSS.
 */
export function spoolEndToEndScenario(context: BenchContext): Scenario {
  const count = context.sizes.spoolFiles;
  const root = join(context.scratchDir, `spool-e2e-${process.pid}`);
  const investigator = new BenchInvestigator(context.clients);
  const notes: string[] = [];
  let target = '';

  return {
    title: 'spool end to end: action/new → commands in command/ready → results recorded',
    size: `${count.toLocaleString('en-US')} agents`,
    unit: 's',
    notes,
    prepare: async () => {
      target = await liveAgentsTarget(context, count);
    },
    service: {
      id: 'service',
      label: 'mig-spool run with simulated relay and agents',
      run: async (repetition) => {
        const layout = spoolLayout(join(root, `run-${repetition}-${Date.now()}`));
        await mkdir(layout.root, { recursive: true });
        await ensureSpoolLayout(layout);
        const daemon = await spawnServer({
          name: 'mig-spool run',
          main: SPOOL_MAIN,
          args: ['run', '--spool', layout.root, '--address', context.service.address],
          env: { ...process.env, MIG_SCHEDULER_CFG: '' },
          readyLine: SPOOL_READY_LINE,
          readyOn: 'stdout',
        });
        const agents = new BenchAgents(layout);
        agents.start();
        try {
          const name = `bench: spool end to end, run ${repetition + 1}`;
          const file = await investigator.signedActionFile(name, target);
          const start = performance.now();
          await placeFile(layout, layout.action.new, `bench-${repetition}.json`, file);
          const { readySeconds, done } = await waitForCompletion(context, name, count, start);
          const seconds = secondsSince(start);
          const peak = await daemon.peakRssBytes();
          notes.push(
            `run ${repetition + 1}: all ${count.toLocaleString('en-US')} commands in command/ready after ${readySeconds.toFixed(2)} s, ` +
              `every result recorded after ${seconds.toFixed(2)} s (${Math.round(done / seconds).toLocaleString('en-US')} commands/s); ` +
              `daemon peak RSS ${peak === undefined ? 'unknown' : `${Math.round(peak / 1024 / 1024)} MiB`}`,
          );
          return { value: seconds, work: done };
        } finally {
          await agents.stop();
          await daemon.stop();
          await rm(layout.root, { recursive: true, force: true });
        }
      },
    },
    baselines: [],
    targets: [],
    cleanup: () => rm(root, { recursive: true, force: true }),
  };
}

/** The log line the daemon writes once it runs (JSON on stdout): the spool directory as the first group. */
const SPOOL_READY_LINE = /"msg":"mig-spool running".*"spool":"([^"]+)"/;

/**
 * A target reaching exactly `count` live agents of the bench fleet: an id range over the first
 * online or idle ones, widened or narrowed until ExpandTarget (which the daemon calls the same
 * way, one agent per queue) returns `count` agents.
 */
async function liveAgentsTarget(context: BenchContext, count: number): Promise<string> {
  const liveIds = async (after: number, limit: number) =>
    (await context.pool.query<{ id: string }>(`SELECT id FROM agents WHERE status IN ('online', 'idle') AND id > $1 ORDER BY id LIMIT $2`, [after, limit])).rows.map((row) => Number(row.id));
  const first = await liveIds(0, count);
  const low = first[0];
  let high = first[first.length - 1];
  for (let attempt = 0; attempt < 20; attempt++) {
    const target = `id >= ${low} AND id <= ${high}`;
    const reached: number[] = [];
    for await (const batch of context.clients.fleet.expandTarget({ target, withEnvironment: false, identitiesOnly: true, batchSize: 10_000 })) reached.push(...(batch.identities?.ids ?? []));
    if (reached.length === count) return target;
    if (reached.length > count) {
      high = reached.sort((a, b) => a - b)[count - 1];
    } else {
      const more = await liveIds(high, count - reached.length);
      if (more.length === 0) break;
      high = more[more.length - 1];
    }
  }
  throw new Error(`no id range of the fleet reaches exactly ${count} agents through ExpandTarget: load more agents`);
}

/** Polls the action (found by its unique name) until it is completed with `count` commands done. */
async function waitForCompletion(context: BenchContext, name: string, count: number, start: number): Promise<{ readySeconds: number; done: number }> {
  let readySeconds: number | undefined;
  let actionId: number | undefined;
  const deadline = Date.now() + RUN_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (actionId === undefined) {
      const { rows } = await context.pool.query<{ id: string }>('SELECT id FROM actions WHERE name = $1', [name]);
      actionId = rows[0] && Number(rows[0].id);
    }
    if (actionId !== undefined) {
      const { action } = await context.clients.actions.getAction({ id: actionId });
      if (readySeconds === undefined && (action!.status === 'inflight' || action!.status === 'completed')) readySeconds = secondsSince(start);
      const done = action!.counters?.done ?? 0;
      if (action!.status === 'completed') {
        if (done !== count) throw new Error(`the action completed with ${done} commands done, expected ${count}`);
        return { readySeconds: readySeconds!, done };
      }
      if (['invalid', 'expired', 'cancelled'].includes(action!.status)) throw new Error(`the action ended ${action!.status}`);
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
  throw new Error(`the action was not completed within ${RUN_TIMEOUT_MS / 60_000} minutes`);
}
