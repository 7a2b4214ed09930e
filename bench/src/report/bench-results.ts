import type { CpuSpent } from '../harness/cpu-meter';
import type { Summary } from '../stats/summary';

/** bench/results/latest.json: everything the Markdown table shows, and every sample behind it. */
export interface BenchResults {
  startedAt: string;
  finishedAt: string;
  smoke: boolean;
  repetitions: number;
  sizes: Record<string, number>;
  machine: { cpus: number; cpuModel: string; memoryGiB: number; node: string; postgres: string; platform: string };
  /** Seconds spent loading the fleet (and commands) before the scenarios. */
  loadSeconds: number;
  /** Where the fleet came from when it was not loaded by this run (--fleet-database). */
  fleetLoadedBeforehand?: string;
  scenarios: ScenarioResult[];
}

export interface ScenarioResult {
  id: string;
  title: string;
  size: string;
  unit: string;
  /** `failed` when a run threw or did other work than its counterpart: see problems. */
  status: 'measured' | 'failed';
  /** Why the service side was not measured, when it was not. */
  serviceNotMeasured?: string;
  service?: SideResult;
  baselines: SideResult[];
  /** The targets, stated even when the service side could not be measured. */
  targets: Array<{ baseline: string; op: '>=' | '<='; value: number }>;
  ratios: RatioResult[];
  /** A bound on the service's own median (unit of the scenario), and whether it was met. */
  limit?: { op: '>=' | '<='; value: number; met: boolean };
  /** The data service's peak resident set size during the scenario (VmHWM). */
  servicePeakRssBytes?: number;
  notes: string[];
  problems: string[];
}

export interface SideResult {
  id: string;
  label: string;
  /** One value per repetition, in the scenario's unit. */
  samples: number[];
  /** What each repetition did (rows, calls, files): equal across sides. */
  work: number[];
  /** Whether every answer of this side equalled the service's in the same round (fleet queries). */
  answersChecked?: boolean;
  summary: Summary;
  /** CPU each process spent on each repetition (Linux only). */
  cpu?: CpuSpent[];
}

export interface RatioResult {
  baseline: string;
  /** service / baseline, per repetition (runs next to each other in time). */
  samples: number[];
  summary: Summary;
  target: { op: '>=' | '<='; value: number };
  /** Whether the median ratio meets the target. */
  met: boolean;
}
