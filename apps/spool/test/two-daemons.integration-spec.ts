import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureSpoolLayout, spoolLayout } from '@mig-data/spool';
import { startDataServiceProcess, type DataServiceProcess } from './support/data-service-process';
import { RelaySimulator } from './support/relay-simulator';
import { seededRandom } from './support/seeded-random';
import { waitUntilSettled } from './support/settled-spool';
import { checkSpoolAgainstDatabase } from './support/spool-checker';
import { startSpoolDaemon, type SpoolDaemonProcess } from './support/spool-daemon-process';
import { dropActions, prepareWorkload } from './support/spool-workload';

const ACTIONS = 40;
const AGENTS_PER_ACTION = 25;

// Issue 9, several spool processes: two daemons started on one spool by mistake share its work,
// and nothing is done twice — checked in the spool and the database (the checker) and in what
// the data service was asked (its call counters).
describe('two mig-spool run daemons on one spool', () => {
  let service: DataServiceProcess;
  let spoolDir: string;
  let daemons: SpoolDaemonProcess[] = [];

  beforeAll(async () => {
    service = await startDataServiceProcess();
    spoolDir = await mkdtemp(join(tmpdir(), 'mig-spool-two-'));
    await ensureSpoolLayout(spoolLayout(spoolDir));
  });
  afterAll(async () => {
    await Promise.all(daemons.map((daemon) => daemon.crash()));
    if (spoolDir) await rm(spoolDir, { recursive: true, force: true });
    await service?.stop();
  });

  it('processes each action, command and result once between them', async () => {
    const random = seededRandom();
    process.stderr.write(`[two daemons] replay with MIG_SPOOL_TEST_SEED=${random.seed}\n`);
    const workload = await prepareWorkload(service.clients, { actions: ACTIONS, groups: 4, agentsPerGroup: AGENTS_PER_ACTION, prefix: 'two' });
    const commands = ACTIONS * AGENTS_PER_ACTION;
    const relay = new RelaySimulator({ spoolDir, random, delayMs: [0, 100], randomOrder: true });
    daemons = [startSpoolDaemon({ spoolDir, address: service.address }), startSpoolDaemon({ spoolDir, address: service.address })];
    relay.start();
    await dropActions(spoolDir, workload.drops, random, 100);
    try {
      await waitUntilSettled(spoolDir, 120_000);
      await relay.stop();
    } catch (error) {
      throw new Error(`${(error as Error).message}\n${daemons.map((daemon, index) => `daemon ${index + 1} log tail:\n${daemon.output().slice(-2000)}`).join('\n')}`);
    }
    const exits = await Promise.all(daemons.map((daemon) => daemon.stop()));
    expect(exits.map((exit) => exit.code)).toEqual([0, 0]);

    const check = await checkSpoolAgainstDatabase({ spoolDir, sql: service.sql, clients: service.clients, actions: workload.expected, answers: relay.answers });
    expect(check.problems).toEqual([]);
    expect(check.commands).toBe(commands);
    // What the service was asked: each action created once (a second CreateAction of a file
    // with an id would be ALREADY_EXISTS; of one without, a second row the checker counts), each
    // result recorded once (no duplicates were delivered), no command sent twice.
    expect(await service.handledCalls('CreateAction')).toBe(ACTIONS);
    expect(await service.handledCalls('CreateAction', 'AlreadyExists')).toBe(0);
    expect(await service.handledCalls('FinishCommand')).toBe(commands);
    expect(await service.handledCalls('MarkCommandSent')).toBeLessThanOrEqual(commands);
    // What each daemon says it did: between them, every action fanned out once and every
    // returned file recorded once; each did some of it.
    const perDaemon = daemons.map((daemon) => ({
      fannedOut: daemon.logged('action fanned out').length,
      recorded: daemon.logged('commands returned').reduce((sum, entry) => sum + Number(entry.recorded), 0),
    }));
    process.stderr.write(`[two daemons] per daemon: ${JSON.stringify(perDaemon)}\n`);
    expect(perDaemon.reduce((sum, daemon) => sum + daemon.fannedOut, 0)).toBe(ACTIONS);
    expect(perDaemon.reduce((sum, daemon) => sum + daemon.recorded, 0)).toBe(commands);
    expect(perDaemon.every((daemon) => daemon.fannedOut + daemon.recorded > 0)).toBe(true);
  }, 240_000);
});
