import type { Agent, AgentEnvironment as AgentEnvironmentMessage, Heartbeat as HeartbeatMessage } from '@mig-data/contract';
import { timeOrUnset, type AgentRow } from '@mig-data/database';
import type { AgentEnvironment, Heartbeat } from '@mig-data/domain';

/** A heartbeat message as the domain sees it; an unset send time means "now". */
export function heartbeatFromMessage(message: HeartbeatMessage, now: Date): Heartbeat {
  return {
    name: message.name,
    queueloc: message.queueloc,
    mode: message.mode,
    version: message.version,
    pid: message.pid,
    starttime: message.starttime as Date,
    heartbeatts: message.heartbeatts ?? now,
    environment: message.environment ? { ...message.environment } : undefined,
    tags: message.tags,
  };
}

export function agentToMessage(row: AgentRow): Agent {
  return {
    id: row.id,
    name: row.name,
    queueloc: row.queueloc,
    mode: row.mode,
    version: row.version,
    pid: row.pid,
    starttime: row.starttime,
    destructiontime: timeOrUnset(row.destructiontime),
    heartbeattime: row.heartbeattime,
    status: row.status ?? '',
    environment: environmentToMessage(row.environment),
    tags: row.tags ?? undefined,
    refreshtime: row.refreshtime,
    loadername: row.loadername ?? '',
  };
}

function environmentToMessage(environment: AgentEnvironment | null): AgentEnvironmentMessage | undefined {
  if (!environment) return undefined;
  return {
    init: environment.init ?? '',
    ident: environment.ident ?? '',
    os: environment.os ?? '',
    arch: environment.arch ?? '',
    isproxied: environment.isproxied ?? false,
    proxy: environment.proxy ?? '',
    addresses: environment.addresses ?? [],
    publicip: environment.publicip ?? '',
  };
}
