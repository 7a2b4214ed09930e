import { loadavg } from 'node:os';
import type { RatioResult, ScenarioResult, SideResult } from '../report/bench-results';
import { summarize } from '../stats/summary';
import { measureCpu, type CpuSpent, type MeteredProcesses } from './cpu-meter';
import { isMeasured, type Sample, type Scenario, type Side } from './scenario';
import type { ChildServer } from './service-process';

/**
 * Runs one scenario: the service and each baseline alternately, `repetitions` times, the order
 * reversed every other round (ABBA) so neither side always runs on a warmer cache or a quieter
 * neighbour. Ratios are taken per round, between runs that sat next to each other in time.
 * A run that throws, or a side that did other work than the service, fails the scenario.
 */
export async function runScenario(id: string, scenario: Scenario, repetitions: number, service: ChildServer, metered: MeteredProcesses, log: (line: string) => void): Promise<ScenarioResult> {
  const result: ScenarioResult = {
    id,
    title: scenario.title,
    size: scenario.size,
    unit: scenario.unit,
    status: 'measured',
    baselines: [],
    targets: scenario.targets,
    ratios: [],
    notes: [],
    problems: [],
  };
  try {
    await scenario.prepare?.();
    const serviceSide = isMeasured(scenario.service) ? scenario.service : undefined;
    if (!isMeasured(scenario.service)) result.serviceNotMeasured = scenario.service.notMeasured;
    const sides: Side[] = [...(serviceSide ? [serviceSide] : []), ...scenario.baselines];
    const samples = new Map<Side, Sample[]>(sides.map((side) => [side, []]));
    const cpu = new Map<Side, CpuSpent[]>(sides.map((side) => [side, []]));

    if (scenario.warmup) for (const side of sides) await side.run(-1);
    await service.resetPeakRss();
    const loadBefore = loadavg()[0];
    for (let round = 0; round < repetitions; round++) {
      for (const side of round % 2 === 0 ? sides : [...sides].reverse()) {
        const { result: sample, cpu: spent } = await measureCpu(metered, () => side.run(round));
        const cpuText = spent ? `; CPU ms: service ${spent.service}, echo ${spent.echo}, bench ${Math.round(spent.bench)}, database ${spent.database}` : '';
        log(`  ${id} run ${round + 1}/${repetitions} ${side.id}: ${formatValue(sample.value)} ${scenario.unit} (${sample.work.toLocaleString('en-US')} done${cpuText})`);
        samples.get(side)!.push(sample);
        if (spent) cpu.get(side)!.push(spent);
      }
    }
    if (serviceSide) result.servicePeakRssBytes = await service.peakRssBytes();
    // Absolute times mean little on a shared machine without how busy it was.
    result.notes.push(`machine load average (1 min) ${loadBefore.toFixed(1)} at the start, ${loadavg()[0].toFixed(1)} at the end`);

    const sideResult = (side: Side): SideResult => {
      const runs = samples.get(side)!;
      // Marked on the baselines: each answer was compared with the service's of the same round.
      const answersChecked = side !== serviceSide && runs.every((s) => s.answer !== undefined) ? true : undefined;
      return { id: side.id, label: side.label, samples: runs.map((s) => s.value), work: runs.map((s) => s.work), ...(answersChecked ? { answersChecked } : {}), summary: summarize(runs.map((s) => s.value)), cpu: cpu.get(side) };
    };
    result.service = serviceSide && sideResult(serviceSide);
    result.baselines = scenario.baselines.map(sideResult);
    result.problems.push(...sanityProblems(result), ...answerProblems(sides, samples));
    result.notes.push(...cpuNotes(scenario, [...(result.service ? [result.service] : []), ...result.baselines]));
    if (result.service && scenario.limit) {
      const { op, value } = scenario.limit;
      const median = result.service.summary.median;
      result.limit = { op, value, met: op === '>=' ? median >= value : median <= value };
    }
    if (result.service) {
      for (const target of scenario.targets) {
        const baseline = result.baselines.find((side) => side.id === target.baseline)!;
        const ratios = result.service.samples.map((value, round) => value / baseline.samples[round]);
        const summary = summarize(ratios);
        const met = target.op === '>=' ? summary.median >= target.value : summary.median <= target.value;
        result.ratios.push({ baseline: target.baseline, samples: ratios, summary, target: { op: target.op, value: target.value }, met } satisfies RatioResult);
      }
    }
  } catch (error) {
    result.problems.push(error instanceof Error ? error.message : String(error));
  } finally {
    await scenario.cleanup?.().catch((error: unknown) => result.problems.push(`cleanup: ${String(error)}`));
    result.notes.push(...(scenario.notes ?? []));
  }
  if (result.problems.length > 0) result.status = 'failed';
  return result;
}

/** Per side, the median CPU of each process per 1,000 units of work: which process the scenario waits on. */
function cpuNotes(scenario: Scenario, sides: SideResult[]): string[] {
  const measured = sides.filter((side) => side.cpu && side.cpu.length === side.work.length && side.cpu.length > 0);
  if (measured.length === 0) return [];
  const per1000 = (side: SideResult, process: keyof CpuSpent) => summarize(side.cpu!.map((spent, round) => (spent[process] * 1000) / side.work[round])).median;
  const parts = measured.map((side) => `${side.id}: ${(['service', 'echo', 'bench', 'database'] as const).map((process) => `${process} ${formatCpuMs(per1000(side, process))}`).join(', ')}`);
  const counted = scenario.unit.endsWith('/s') ? scenario.unit.slice(0, -2) : 'units of the work counted';
  return [`CPU ms per 1,000 ${counted} (median; data service, echo server, bench process, PostgreSQL backends): ${parts.join('; ')}`];
}

/** Every sample a positive finite number, and every side doing exactly the service's work (or the first baseline's). */
function sanityProblems(result: ScenarioResult): string[] {
  const problems: string[] = [];
  const sides = [...(result.service ? [result.service] : []), ...result.baselines];
  const reference = sides[0];
  for (const side of sides) {
    side.samples.forEach((value, round) => {
      if (!Number.isFinite(value) || value <= 0) problems.push(`${side.id} run ${round + 1}: ${value} ${result.unit} is not a sane measurement`);
      if (side.work[round] <= 0) problems.push(`${side.id} run ${round + 1}: did no work`);
      if (side.work[round] !== reference.work[round]) {
        problems.push(`${side.id} run ${round + 1} did ${side.work[round]} where ${reference.id} did ${reference.work[round]}: not the same work`);
      }
    });
  }
  return problems;
}

/** Sides that answered (fleet queries) must answer alike in each round: the same rows, not only as many. */
function answerProblems(sides: Side[], samples: Map<Side, Sample[]>): string[] {
  const problems: string[] = [];
  const [reference, ...others] = sides;
  if (!reference) return problems;
  samples.get(reference)!.forEach((expected, round) => {
    for (const side of others) {
      const answer = samples.get(side)![round].answer;
      if (answer !== expected.answer) {
        problems.push(`${side.id} run ${round + 1} answered otherwise than ${reference.id}: ${firstDifference(expected.answer ?? '(no answer)', answer ?? '(no answer)')}`);
      }
    }
  });
  return problems;
}

function firstDifference(a: string, b: string): string {
  let at = 0;
  while (at < a.length && a[at] === b[at]) at++;
  return `from character ${at}: ${JSON.stringify(a.slice(Math.max(0, at - 40), at + 60))} vs ${JSON.stringify(b.slice(Math.max(0, at - 40), at + 60))}`;
}

/**
 * CPU ms per 1,000 units: whole milliseconds from 10 up, one decimal below. /proc counts in 10 ms
 * ticks, and a run of the lean scenarios (70,000 identities in ~200 ms) costs each process 0.5-3 ms
 * per 1,000: rounded to whole numbers, 0.6 and 1.4 both read "1" and the split between the
 * processes, which says which one a scenario waits on, is lost.
 */
export function formatCpuMs(value: number): string {
  if (value === 0 || value >= 10) return value.toFixed(0);
  return value.toFixed(1);
}

export function formatValue(value: number): string {
  if (value >= 100) return Math.round(value).toLocaleString('en-US');
  if (value >= 10) return value.toFixed(1);
  return value.toPrecision(3);
}
