import type { AgentsStats, Duration } from '@mig-data/contract';
import type { AgentsStatsRow, AgentVersionCount } from '@mig-data/database';
import { InvalidArgumentError } from '@mig-data/domain';

/** A window given as a protobuf Duration, in milliseconds; `fallbackMs` when unset. Must be positive. */
export function windowMs(duration: Duration | undefined, field: string, fallbackMs: number): number {
  if (!duration) return fallbackMs;
  const ms = duration.seconds * 1000 + Math.floor(duration.nanos / 1e6);
  if (!Number.isFinite(ms) || ms <= 0) throw new InvalidArgumentError(field, `must be a positive duration, got ${duration.seconds}s ${duration.nanos}ns`);
  return ms;
}

/** A required timestamp field. */
export function requireTime(value: Date | undefined, field: string): Date {
  if (!value || Number.isNaN(value.getTime())) throw new InvalidArgumentError(field, 'is required');
  return value;
}

export function agentsStatsToMessage(row: AgentsStatsRow): AgentsStats {
  return {
    timestamp: row.timestamp,
    onlineAgents: row.online_agents ?? 0,
    onlineAgentsByVersion: versionCounts(row.online_agents_by_version),
    onlineEndpoints: row.online_endpoints ?? 0,
    idleAgents: row.idle_agents ?? 0,
    idleAgentsByVersion: versionCounts(row.idle_agents_by_version),
    idleEndpoints: row.idle_endpoints ?? 0,
    newEndpoints: row.new_endpoints ?? 0,
    multiAgentsEndpoints: row.multi_agents_endpoints ?? 0,
    disappearedEndpoints: row.disappeared_endpoints ?? 0,
    flappingEndpoints: row.flapping_endpoints ?? 0,
  };
}

/** MIG stored [{version, count}] (Go's AgentsVersionsSum); older rows may hold anything else, read as empty. */
function versionCounts(value: unknown): AgentVersionCount[] {
  if (!Array.isArray(value)) return [];
  return value
    .filter((entry): entry is { version: unknown; count: unknown } => typeof entry === 'object' && entry !== null)
    .map((entry) => ({ version: String(entry.version ?? ''), count: Number(entry.count ?? 0) }));
}
