import { mkdir, open, readdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { ensureSpoolLayout, placeFiles, spoolLayout, type SpoolFile } from '@mig-data/spool';
import type { BenchContext } from '../harness/bench-context';
import { rate, secondsSince, type Scenario } from '../harness/scenario';

/**
 * Placing command files in command/ready (spec/spool.md) with libs/spool's placeFiles, as the
 * spool daemon writes an action's commands (one batch per CreateCommands answer: every file
 * written to tmp and fsynced, renamed, the directory fsynced once per batch), against the bare
 * loop the contract requires of every writer — write a tmp file, fsync it, rename it into place,
 * fsync the directory — on the repository's file system. Both leave every file durable.
 */
export function spoolPlacementScenario(context: BenchContext): Scenario {
  const count = context.sizes.spoolFiles;
  const root = join(context.scratchDir, `spool-${process.pid}`);
  return {
    title: 'spool: place command files in command/ready',
    size: `${count.toLocaleString('en-US')} files`,
    unit: 'files/s',
    service: {
      id: 'service',
      label: `libs/spool placeFiles, batches of ${PLACEMENT_BATCH.toLocaleString('en-US')}`,
      run: async (repetition) => {
        const layout = spoolLayout(join(root, `service-${repetition}-${Date.now()}`));
        await mkdir(layout.root, { recursive: true });
        await ensureSpoolLayout(layout);
        const files: SpoolFile[] = Array.from({ length: count }, (_, index) => ({ name: `${ACTION_ID}-${FIRST_COMMAND_ID + index}.json`, content: commandFile(FIRST_COMMAND_ID + index) }));
        const start = performance.now();
        for (let first = 0; first < count; first += PLACEMENT_BATCH) await placeFiles(layout, layout.command.ready, files.slice(first, first + PLACEMENT_BATCH));
        const seconds = secondsSince(start);
        const placed = (await readdir(layout.command.ready)).length;
        await rm(layout.root, { recursive: true, force: true });
        return rate(placed, seconds);
      },
    },
    baselines: [
      {
        id: 'fsync-rename',
        label: 'tmp + fsync + rename + dir fsync loop',
        run: async (repetition) => {
          const spool = join(root, `run-${repetition}-${Date.now()}`);
          const tmp = join(spool, 'tmp');
          const ready = join(spool, 'command', 'ready');
          await mkdir(tmp, { recursive: true, mode: 0o750 });
          await mkdir(ready, { recursive: true, mode: 0o750 });
          const start = performance.now();
          const directory = await open(ready, 'r');
          try {
            for (let index = 0; index < count; index++) {
              const name = `${ACTION_ID}-${FIRST_COMMAND_ID + index}.json`;
              const file = await open(join(tmp, name), 'w', 0o640);
              try {
                await file.writeFile(commandFile(FIRST_COMMAND_ID + index));
                await file.sync();
              } finally {
                await file.close();
              }
              await rename(join(tmp, name), join(ready, name));
              await directory.sync();
            }
          } finally {
            await directory.close();
          }
          const seconds = secondsSince(start);
          const placed = (await readdir(ready)).length;
          await rm(spool, { recursive: true, force: true });
          return rate(placed, seconds);
        },
      },
    ],
    targets: [{ baseline: 'fsync-rename', op: '>=', value: 0.5 }],
    cleanup: () => rm(root, { recursive: true, force: true }),
  };
}

/** The spool daemon places an action's command files in batches of this many (`mig-spool run --fan-out-chunk`, its default). */
const PLACEMENT_BATCH = 5000;
const ACTION_ID = 6143217648391456;
const FIRST_COMMAND_ID = 6143217648400000;

// A command as MIG writes it to the spool: the whole action, the agent, status and results.
const COMMAND_TEMPLATE = {
  action: {
    id: ACTION_ID,
    name: 'find fusermount',
    target: "queueloc LIKE 'linux.%'",
    description: { author: 'Julien Vehent', email: 'jvehent@mozilla.com', url: '', revision: 201409021000 },
    threat: { ref: '', level: 'alert', family: 'malware', type: 'system' },
    validfrom: '2026-11-28T12:00:00Z',
    expireafter: '2026-11-28T13:00:00Z',
    operations: [{ module: 'file', parameters: { searches: { s1: { names: ['fusermount'], paths: ['/usr'] } } } }],
    pgpsignatures: ['wsBcBAABCAAQBQJUcDdtCRBLt3C3e4m9eQAAqg0IAHmDvBq7bcNf7mxiBsDQzUEFVm9fA4yq9PQzKxRH2xCBvHVaB0ycMo4s=Jr5T'],
    syntaxversion: 2,
  },
  agent: { id: 6143217000000001, name: 'host1.fleet.example.net', queueloc: 'linux.host1.fleet.example.net.3f1a9c2e', mode: 'daemon', version: '20150122+ad43a11.prod', pid: 4242 },
  status: 'sent',
  results: null,
  starttime: '2026-11-28T12:00:05Z',
  finishtime: '0001-01-01T00:00:00Z',
};

function commandFile(id: number): string {
  return JSON.stringify({ id, ...COMMAND_TEMPLATE });
}
