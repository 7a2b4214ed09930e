import { formatValue } from '../harness/run-scenario';
import type { BenchResults, ScenarioResult, SideResult } from './bench-results';

/** bench/results/latest.md: one row per scenario and side, the ratio against each target. */
export function markdownTable(results: BenchResults): string {
  const { machine } = results;
  const lines = [
    `# mig-data bench${results.smoke ? ' (smoke run: sizes too small to judge speed)' : ''}`,
    '',
    `${results.startedAt} · ${machine.cpus} × ${machine.cpuModel}, ${machine.memoryGiB} GiB · Node ${machine.node} · ${machine.postgres} · ` +
      `${results.repetitions} alternated runs per side · fleet of ${results.sizes.agents.toLocaleString('en-US')} agents` +
      (results.sizes.commands ? ` and ${results.sizes.commands.toLocaleString('en-US')} commands` : '') +
      (results.fleetLoadedBeforehand ? ` (${results.fleetLoadedBeforehand})` : ` (loaded in ${results.loadSeconds.toFixed(0)} s)`),
    '',
    'Values are the median of the runs, with min–max. The ratio is service ÷ baseline per round (runs next to each',
    'other in time), median and min–max over the rounds. Peak RSS is the data service process (VmHWM) during the scenario.',
    'Where a side is marked "same answer", every one of its runs returned exactly the rows the service returned in that round.',
    '',
    '| scenario | size | side | median | min–max | ratio (min–max) | target | met | service peak RSS |',
    '|---|---|---|---:|---:|---:|---|:-:|---:|',
    ...results.scenarios.flatMap(scenarioRows),
  ];
  const remarks = results.scenarios.flatMap((scenario) => [
    ...scenario.problems.map((problem) => `- **${scenario.id} failed**: ${problem}`),
    ...scenario.notes.map((note) => `- ${scenario.id}: ${note}`),
  ]);
  if (remarks.length > 0) lines.push('', ...remarks);
  return lines.join('\n') + '\n';
}

function scenarioRows(scenario: ScenarioResult): string[] {
  const rss = scenario.servicePeakRssBytes ? `${Math.round(scenario.servicePeakRssBytes / 1024 / 1024)} MiB` : '';
  const head = `${scenario.title}${scenario.status === 'failed' ? ' **(failed)**' : ''}`;
  const rows: string[] = [];
  const serviceCells = scenario.service
    ? sideCells(scenario.service, scenario.unit)
    : [`service`, `not measured: ${scenario.serviceNotMeasured ?? 'no result'}`, ''];
  const limit = scenario.limit;
  const limitCells = limit ? [`service ${limit.op} ${formatValue(limit.value)} ${scenario.unit}`, limit.met ? 'yes' : '**no**'] : ['', ''];
  rows.push(row([head, scenario.size, ...serviceCells, '', ...limitCells, rss]));
  for (const baseline of scenario.baselines) {
    const ratio = scenario.ratios.find((candidate) => candidate.baseline === baseline.id);
    const target = scenario.targets.find((candidate) => candidate.baseline === baseline.id);
    rows.push(
      row([
        '',
        '',
        ...sideCells(baseline, scenario.unit),
        ratio ? `${ratio.summary.median.toFixed(2)} (${ratio.summary.min.toFixed(2)}–${ratio.summary.max.toFixed(2)})` : '',
        target ? `service ${target.op} ${target.value} × ${baseline.id}` : '',
        ratio ? (ratio.met ? 'yes' : '**no**') : '',
        '',
      ]),
    );
  }
  return rows;
}

function sideCells(side: SideResult, unit: string): string[] {
  const { median, min, max } = side.summary;
  return [`${side.id}: ${side.label}${side.answersChecked ? ' (same answer)' : ''}`, `${formatValue(median)} ${unit}`, `${formatValue(min)}–${formatValue(max)}`];
}

function row(cells: string[]): string {
  return `| ${cells.map((cell) => cell.replace(/\|/g, '\\|')).join(' | ')} |`;
}
