import { InvalidArgumentError } from './errors';
import { DEFAULT_INPUT_LIMITS, requireJsonSize, type InputLimits } from './input-limits';
import { requireText, TEXT_LIMITS } from './text-fields';

/** What an agent reports about its endpoint (MIG's `environment`). */
export interface AgentEnvironment {
  init?: string;
  ident?: string;
  os?: string;
  arch?: string;
  isproxied?: boolean;
  proxy?: string;
  addresses?: string[];
  publicip?: string;
}

/** A heartbeat as an agent sends it to the scheduler (spec/data-model.md "Agent heartbeat"). */
export interface Heartbeat {
  name: string;
  queueloc: string;
  mode: string;
  version: string;
  pid: number;
  starttime: Date;
  heartbeatts: Date;
  environment?: AgentEnvironment;
  tags?: unknown;
}

/** Throws INVALID_ARGUMENT naming the first missing or malformed field under `field`. */
export function validateHeartbeat(heartbeat: Heartbeat, field = 'heartbeat', limits: InputLimits = DEFAULT_INPUT_LIMITS): void {
  for (const key of ['name', 'queueloc', 'mode', 'version'] as const) {
    requireText(heartbeat[key] ?? '', `${field}.${key}`, TEXT_LIMITS.agentText);
  }
  if (!Number.isInteger(heartbeat.pid) || heartbeat.pid <= 0 || heartbeat.pid > 2 ** 31 - 1) {
    throw new InvalidArgumentError(`${field}.pid`, `must be a positive process id, got ${heartbeat.pid}`);
  }
  for (const key of ['starttime', 'heartbeatts'] as const) {
    const value = heartbeat[key];
    if (!(value instanceof Date) || Number.isNaN(value.getTime())) throw new InvalidArgumentError(`${field}.${key}`, 'must be set to a valid time');
  }
  requireJsonSize(heartbeat.environment, `${field}.environment`, limits.maxAgentJsonBytes);
  requireJsonSize(heartbeat.tags, `${field}.tags`, limits.maxAgentJsonBytes);
}
