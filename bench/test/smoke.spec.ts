import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { BenchResults } from '../src/report/bench-results';

const BENCH_MAIN = resolve(__dirname, '../dist/main.js');

/**
 * The whole harness at smoke sizes, as CI runs it: the built bench and data service, a real
 * PostgreSQL. The numbers are not judged; that every scenario ran, produced sane numbers and did
 * the same work on both sides is (the harness itself fails a scenario whose sides disagree).
 */
describe('bench --smoke', () => {
  let outDir: string;
  let results: BenchResults;
  let table: string;
  let exitCode: number | null;
  let stderr = '';

  beforeAll(async () => {
    outDir = await mkdtemp(join(tmpdir(), 'mig-bench-smoke-'));
    const child = spawn(process.execPath, [BENCH_MAIN, '--smoke', '--out', outDir], { stdio: ['ignore', 'ignore', 'pipe'] });
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    exitCode = await new Promise((done) => child.once('exit', done));
    results = JSON.parse(await readFile(join(outDir, 'latest.json'), 'utf8'));
    table = await readFile(join(outDir, 'latest.md'), 'utf8');
  });
  afterAll(() => rm(outDir, { recursive: true, force: true }));

  it('exits 0 with no failed scenario', () => {
    expect({ exitCode, failed: results.scenarios.filter((scenario) => scenario.status === 'failed') }).toEqual({ exitCode: 0, failed: [] });
  });

  it('runs every scenario of the issue, the read-only fleet queries first', () => {
    expect(results.scenarios.map((scenario) => scenario.id)).toEqual([
      'offline-agents',
      'double-agents',
      'active-agents-by-queue',
      'multi-agent-queues',
      'agents-stats',
      'target-expansion',
      'target-identities',
      'commands',
      'heartbeat-batches',
      'single-heartbeats',
      'spool-placement',
      'spool-end-to-end',
      'get-by-id',
    ]);
  });

  it('measures the service on every scenario, with sane numbers and the same work as each baseline', () => {
    for (const scenario of results.scenarios) {
      expect(scenario.serviceNotMeasured).toBeUndefined();
      const service = scenario.service!;
      expect(service.samples).toHaveLength(results.repetitions);
      for (const value of service.samples) expect(Number.isFinite(value) && value > 0).toBe(true);
      for (const baseline of scenario.baselines) {
        expect(baseline.work).toEqual(service.work);
        expect(baseline.samples.every((value) => Number.isFinite(value) && value > 0)).toBe(true);
      }
      expect(scenario.ratios.map((ratio) => ratio.baseline)).toEqual(scenario.targets.map((target) => target.baseline));
      expect(scenario.servicePeakRssBytes).toBeGreaterThan(10 * 1024 * 1024);
    }
  });

  it('did the work each scenario names', () => {
    const work = (id: string) => results.scenarios.find((scenario) => scenario.id === id)!.service!.work;
    expect(work('commands')).toEqual([results.sizes.commandAgents, results.sizes.commandAgents]);
    expect(work('heartbeat-batches')).toEqual([results.sizes.heartbeatAgents, results.sizes.heartbeatAgents]);
    expect(work('single-heartbeats')).toEqual([results.sizes.singleHeartbeats, results.sizes.singleHeartbeats]);
    expect(work('get-by-id')).toEqual([results.sizes.getCalls, results.sizes.getCalls]);
    const placed = results.scenarios.find((scenario) => scenario.id === 'spool-placement')!.baselines[0].work;
    expect(placed).toEqual([results.sizes.spoolFiles, results.sizes.spoolFiles]);
    expect(work('spool-placement')).toEqual([results.sizes.spoolFiles, results.sizes.spoolFiles]);
    // End to end: every command's result recorded, and the figures beside it for each run.
    expect(work('spool-end-to-end')).toEqual([results.sizes.spoolFiles, results.sizes.spoolFiles]);
    // Every scenario also notes the machine's load and the CPU per unit of work; these are the daemon's own.
    const notes = results.scenarios.find((scenario) => scenario.id === 'spool-end-to-end')!.notes.filter((note) => note.startsWith('run '));
    expect(notes).toEqual([expect.stringMatching(/^run 1: all 100 commands in command\/ready after [\d.]+ s, every result recorded after [\d.]+ s \([\d,]+ commands\/s\); daemon peak RSS \d+ MiB$/), expect.stringMatching(/^run 2: /)]);
  });

  it("compares the operator queries' answers row for row and holds the service to a second", () => {
    for (const id of ['offline-agents', 'double-agents', 'active-agents-by-queue', 'multi-agent-queues', 'agents-stats']) {
      const scenario = results.scenarios.find((candidate) => candidate.id === id)!;
      expect({ id, checked: scenario.baselines.map((baseline) => baseline.answersChecked), limit: scenario.limit }).toEqual({
        id,
        checked: [true],
        limit: { op: '<=', value: 1000, met: expect.any(Boolean) },
      });
    }
    expect(table).toContain("raw: the seed's SQL verbatim (same answer)");
  });

  it('writes a Markdown table with a row per side and the ratios', () => {
    expect(table).toContain('| create the commands of one action | 2,000 agents | service: CreateCommands RPC |');
    expect(table).toMatch(/\| {2}\| {2}\| copy: COPY into commands \| [\d,.]+ rows\/s \| [\d,.]+–[\d,.]+ \| \d+\.\d\d \(/);
    expect(table).not.toContain('not measured');
    expect(table).toContain('| spool: place command files in command/ready | 100 files | service: libs/spool placeFiles, batches of 5,000 |');
  });

  it('reports its progress on stderr', () => {
    expect(stderr).toContain('loading agents: 100% 10,000/10,000');
  });
});
