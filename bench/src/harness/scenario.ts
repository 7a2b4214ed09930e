/**
 * One measured run of one side (the service, or a raw baseline). `value` is in the scenario's
 * unit; `work` counts what was done (rows written, rows returned, calls answered, files placed)
 * and must be the same for the service and its baselines, or the comparison means nothing.
 */
export interface Sample {
  value: number;
  work: number;
  /**
   * What the run answered, in a canonical text form (fleet queries): every side's answer in a
   * round must be the same, not just as long, or the scenario fails.
   */
  answer?: string;
}

export interface Side {
  id: string;
  /** What was measured, in a few words (shown in the table). */
  label: string;
  run(repetition: number): Promise<Sample>;
}

/** service / baseline `op` value, e.g. commands: service rows/s ≥ 0.8 × COPY rows/s. */
export interface RatioTarget {
  baseline: string;
  op: '>=' | '<=';
  value: number;
}

/** service median `op` value, in the scenario's unit. */
export interface AbsoluteLimit {
  op: '>=' | '<=';
  value: number;
}

export interface Scenario {
  title: string;
  /** The size it ran at, e.g. "100,000 agents". */
  size: string;
  /** Unit of every sample, e.g. "rows/s" or "ms". */
  unit: string;
  /** Loads what the scenario needs (not measured). */
  prepare?(): Promise<void>;
  /** The service side, or why it cannot be measured yet. */
  service: Side | { notMeasured: string };
  baselines: Side[];
  targets: RatioTarget[];
  /** A bound on the service's own median, in the scenario's unit (e.g. an operator query answers within 1,000 ms). */
  limit?: AbsoluteLimit;
  /** Run each side once unrecorded first: for call-latency scenarios that JIT and connection warm-up would skew. */
  warmup?: boolean;
  /** Extra figures the report shows next to the samples (e.g. commands/s of an end-to-end run). */
  notes?: string[];
  /** Removes what the scenario left (not measured). */
  cleanup?(): Promise<void>;
}

export function isMeasured(service: Scenario['service']): service is Side {
  return !('notMeasured' in service);
}

/** A rate in units per second from work done in `seconds`. */
export function rate(work: number, seconds: number): Sample {
  return { value: work / seconds, work };
}

/** Seconds elapsed since `start` (a performance.now() value). */
export function secondsSince(start: number): number {
  return (performance.now() - start) / 1000;
}
