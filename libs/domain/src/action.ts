import type { ActionStatus } from './statuses';

// An action in MIG's terms (spec/data-model.md "JSON file formats"). Optional fields are the ones
// MIG itself fills as the action moves along (id, status, times, counters).

export interface ActionDescription {
  author?: string;
  email?: string;
  url?: string;
  revision?: number;
}

export interface ActionThreat {
  ref?: string;
  level?: string;
  family?: string;
  type?: string;
}

export interface Operation {
  module: string;
  /** Any JSON: each module defines its own parameters. When isCompressed, a base64 string of gzip-compressed JSON. */
  parameters: unknown;
  /** MIG's `is_compressed`: the parameters were compressed before signing (`mig -z`). Signed when true. */
  isCompressed?: boolean;
  /** MIG's `want_compressed`: the investigator asked for compression. Signed when true. */
  wantCompressed?: boolean;
}

export interface ActionCounters {
  sent: number;
  done: number;
  inflight: number;
  success: number;
  cancelled: number;
  expired: number;
  failed: number;
  timeout: number;
}

export interface Action {
  id?: number;
  name: string;
  target: string;
  description?: ActionDescription;
  threat?: ActionThreat;
  validfrom: Date;
  expireafter: Date;
  operations: Operation[];
  pgpsignatures: string[];
  starttime?: Date;
  finishtime?: Date;
  lastupdatetime?: Date;
  status?: ActionStatus;
  syntaxversion: number;
  counters?: ActionCounters;
}

/**
 * An operation reduced to what is signed (module, parameters, and each compression flag only when
 * true, as Go's omitempty writes them): what every copy of an operation, file or message, keeps.
 */
export function signedOperation(operation: { module: string; parameters?: unknown; isCompressed?: boolean; wantCompressed?: boolean }): Operation {
  return {
    module: operation.module,
    parameters: operation.parameters ?? null,
    ...(operation.isCompressed ? { isCompressed: true } : {}),
    ...(operation.wantCompressed ? { wantCompressed: true } : {}),
  };
}
