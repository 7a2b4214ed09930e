import { ExpandTargetResponse, type Agent, type ExpandTargetRequest } from '@mig-data/contract';
import type { TargetExpansionRepository } from '@mig-data/database';
import { InvalidArgumentError, ResourceExhaustedError } from '@mig-data/domain';
import { agentToMessage } from '../agents/agent-mapping';

/** Agents per message when the request leaves batch_size at 0, and the most a request gets. */
export const EXPANSION_BATCH = { default: 1000, max: 10_000 } as const;

/**
 * ExpandTarget's messages (proto/mig/data/v1/fleet_service.proto): the repository's batches from
 * one snapshot, one message each, as full agents or as the lean identities. Environments have no
 * small bound (a heartbeat may carry up to MIG_DATA_MAX_AGENT_JSON_BYTES of them), so a batch with
 * environments is measured and split until each message fits the largest message the service sends.
 */
export async function* expandTargetMessages(targets: TargetExpansionRepository, request: ExpandTargetRequest, maxMessageBytes: number): AsyncGenerator<ExpandTargetResponse> {
  const { target, withEnvironment, identitiesOnly, batchSize: asked } = request;
  if (!Number.isInteger(asked) || asked < 0) throw new InvalidArgumentError('batch_size', `must be 0 (default ${EXPANSION_BATCH.default}) or positive, got ${asked}`);
  if (withEnvironment && identitiesOnly) throw new InvalidArgumentError('identities_only', 'identities carry no environment: ask for with_environment or identities_only, not both');
  const batchSize = asked === 0 ? EXPANSION_BATCH.default : Math.min(asked, EXPANSION_BATCH.max);
  if (identitiesOnly) {
    for await (const identities of targets.batches(target, 'identities', batchSize)) yield { agents: [], identities };
    return;
  }
  for await (const rows of targets.batches(target, withEnvironment ? 'agents-with-environment' : 'agents', batchSize)) {
    const agents = rows.map(agentToMessage);
    if (withEnvironment) yield* fitted(agents, maxMessageBytes);
    else yield { agents, identities: undefined };
  }
}

/** `agents` as messages of at most `maxBytes` each, halving a batch that does not fit. */
function* fitted(agents: Agent[], maxBytes: number): Generator<ExpandTargetResponse> {
  const message = { agents, identities: undefined };
  if (ExpandTargetResponse.encode(message).finish().length <= maxBytes) {
    yield message;
    return;
  }
  if (agents.length === 1) {
    throw new ResourceExhaustedError(`agent ${agents[0].id} with its environment and tags is larger than the largest message the service sends (MIG_DATA_MAX_MESSAGE_BYTES=${maxBytes}); expand without with_environment`);
  }
  const half = Math.ceil(agents.length / 2);
  yield* fitted(agents.slice(0, half), maxBytes);
  yield* fitted(agents.slice(half), maxBytes);
}
