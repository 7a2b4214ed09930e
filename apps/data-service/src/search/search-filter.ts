import type { SearchFilter as SearchFilterMessage } from '@mig-data/contract';
import type { SearchFilter } from '@mig-data/database';
import { InvalidArgumentError, requireMigId } from '@mig-data/domain';

const DEFAULT_LIMIT = 100;
const MAX_LIMIT = 10_000;

/** The request's filter as the repository takes it, every field checked and named on refusal. */
export function searchFilterFrom(message: SearchFilterMessage | undefined): SearchFilter {
  const f: Partial<SearchFilterMessage> = message ?? {};
  const limit = f.limit ?? 0;
  const offset = f.offset ?? 0;
  if (!Number.isInteger(limit) || limit < 0 || limit > MAX_LIMIT) throw new InvalidArgumentError('filter.limit', `must be from 0 (default ${DEFAULT_LIMIT}) to ${MAX_LIMIT}, got ${limit}`);
  if (!Number.isInteger(offset) || offset < 0) throw new InvalidArgumentError('filter.offset', `must be 0 or positive, got ${offset}`);
  if (f.after && f.before && f.after > f.before) throw new InvalidArgumentError('filter.after', `is after filter.before (${f.after.toISOString()} > ${f.before.toISOString()})`);
  const id = (value: number | undefined, field: string) => (value === undefined ? undefined : requireMigId(value, `filter.${field}`));
  return {
    actionId: id(f.actionId, 'action_id'),
    actionName: f.actionName,
    after: f.after,
    before: f.before,
    agentId: id(f.agentId, 'agent_id'),
    agentName: f.agentName,
    agentVersion: f.agentVersion,
    commandId: id(f.commandId, 'command_id'),
    status: f.status,
    target: f.target,
    threatFamily: f.threatFamily,
    investigatorId: id(f.investigatorId, 'investigator_id'),
    investigatorName: f.investigatorName,
    foundAnything: f.foundanything,
    limit: limit === 0 ? DEFAULT_LIMIT : limit,
    offset,
  };
}

/** Filters other than limit and offset that are set. */
export function filtersSet(filter: SearchFilter): string[] {
  return Object.entries(filter)
    .filter(([name, value]) => name !== 'limit' && name !== 'offset' && value !== undefined)
    .map(([name]) => name);
}
