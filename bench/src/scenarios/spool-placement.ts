import { mkdir, open, readdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { BenchContext } from '../harness/bench-context';
import { rate, secondsSince, type Scenario } from '../harness/scenario';

/**
 * Placing command files in command/ready (spec/spool.md): the spool app will do it; the
 * baseline is the bare loop the spool contract requires of every writer — write a tmp file,
 * fsync it, rename it into place, fsync the directory — on the repository's file system.
 */
export function spoolPlacementScenario(context: BenchContext): Scenario {
  const count = context.sizes.spoolFiles;
  const root = join(context.scratchDir, `spool-${process.pid}`);
  return {
    title: 'spool: place command files in command/ready',
    size: `${count.toLocaleString('en-US')} files`,
    unit: 'files/s',
    service: { notMeasured: 'spool app not built yet' },
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

/** Spool end to end: an action dropped in action/new until all its commands are in command/ready. */
export function spoolEndToEndScenario(context: BenchContext): Scenario {
  return {
    title: 'spool end to end: action/new → all commands in command/ready',
    size: `${context.sizes.spoolFiles.toLocaleString('en-US')} agents`,
    unit: 's',
    service: { notMeasured: 'spool app not built yet' },
    baselines: [],
    targets: [],
  };
}

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
