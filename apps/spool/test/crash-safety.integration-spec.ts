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

const ACTIONS = 200;
const KILLS = 20;

// Issue 9, crash safety: the daemon killed with SIGKILL at random points of a 200-action run, at
// least 20 times, restarted each time; once it has finished, every action and command is checked
// against the database. The seed is printed: MIG_SPOOL_TEST_SEED=<seed> replays the same kills.
describe('mig-spool run killed with SIGKILL at random points', () => {
  let service: DataServiceProcess;
  let spoolDir: string;
  let daemon: SpoolDaemonProcess | undefined;
  let relay: RelaySimulator | undefined;

  beforeAll(async () => {
    service = await startDataServiceProcess();
    spoolDir = await mkdtemp(join(tmpdir(), 'mig-spool-crash-'));
    await ensureSpoolLayout(spoolLayout(spoolDir));
  });
  afterAll(async () => {
    await daemon?.crash();
    await relay?.stop().catch(() => undefined);
    if (spoolDir) await rm(spoolDir, { recursive: true, force: true });
    await service?.stop();
  });

  it(`loses nothing and does nothing twice over ${KILLS} kills of a ${ACTIONS}-action run`, async () => {
    const random = seededRandom();
    const log = (line: string) => process.stderr.write(`[crash test, seed ${random.seed}] ${line}\n`);
    log(`replay with MIG_SPOOL_TEST_SEED=${random.seed}`);
    // 200 actions to groups of 5 agents (1,000 commands); every 25th unsigned (invalid).
    const workload = await prepareWorkload(service.clients, { actions: ACTIONS, groups: 8, agentsPerGroup: 5, unsignedEvery: 25, prefix: 'crash' });
    relay = new RelaySimulator({ spoolDir, random, delayMs: [0, 300], duplicateRate: 0.1, randomOrder: true });
    relay.start();
    const dropping = dropActions(spoolDir, workload.drops, random, 400);

    const killedAfter: number[] = [];
    for (let kill = 0; kill < KILLS; kill++) {
      daemon = startSpoolDaemon({ spoolDir, address: service.address });
      // From before its first file to well into its work: a restarted node process needs ~0.3 s to start.
      const delay = random.between(150, 2500);
      await new Promise((resolve) => setTimeout(resolve, delay));
      const exit = await daemon.crash();
      if (exit.signal !== 'SIGKILL') throw new Error(`the daemon ended by itself (${exit.code}) before kill ${kill + 1}:\n${exit.output.slice(-3000)}`);
      killedAfter.push(delay);
    }
    log(`killed ${KILLS} times, after ${killedAfter.join(', ')} ms`);
    await dropping;

    daemon = startSpoolDaemon({ spoolDir, address: service.address });
    try {
      await waitUntilSettled(spoolDir, 240_000);
      const stats = await relay.stop();
      await waitUntilSettled(spoolDir, 30_000); // the duplicates delivered last
      log(`relay: ${JSON.stringify(stats)}`);
    } catch (error) {
      throw new Error(`${(error as Error).message}\ndaemon log tail:\n${daemon.output().slice(-3000)}`);
    }
    const exit = await daemon.stop();
    expect(exit.code).toBe(0);

    const check = await checkSpoolAgainstDatabase({ spoolDir, sql: service.sql, clients: service.clients, actions: workload.expected, answers: relay.answers });
    if (check.problems.length > 0) log(`${check.problems.length} problems; replay with MIG_SPOOL_TEST_SEED=${random.seed}`);
    expect(check.problems).toEqual([]);
    expect(check.commands).toBe(workload.expected.filter((action) => action.outcome === 'completed').length * 5);
  }, 420_000);
});
