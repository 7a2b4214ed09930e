import type { ActionServiceServer, Action as ActionMessage } from '@mig-data/contract';
import type { ActionRepository, ActionRow, Database } from '@mig-data/database';
import {
  ACTION_STATUSES,
  InvalidArgumentError,
  isOneOf,
  nextPageToken,
  PAGED_LISTS,
  readPage,
  requireMigId,
  RUNNING_ACTION_STATUSES,
  validateAction,
  type ActionStatus,
  quoteInput,
  type InputLimits,
} from '@mig-data/domain';
import { requireDecompressibleOperations } from '@mig-data/pgp';
import type { RpcMethods } from '../grpc/rpc-handlers';
import { investigatorSummary } from '../investigators/investigator-mapping';
import { actionFromMessage, actionToMessage, type ActionMessageOptions } from './action-mapping';
import type { ActionSignatures } from './action-signatures';


/** The ActionService RPCs (proto/mig/data/v1/action_service.proto). */
export function actionService(
  dataSource: Database,
  actions: ActionRepository,
  clock: () => Date,
  signatures: ActionSignatures,
  limits: InputLimits,
): RpcMethods<ActionServiceServer> {
  const withCounters = async (rows: ActionRow[], options: ActionMessageOptions = {}): Promise<ActionMessage[]> => {
    const ids = rows.map((row) => row.id);
    const [counters, signers] = await Promise.all([actions.counters(ids), signatures.signersOf(ids)]);
    return rows.map((row) => actionToMessage(row, counters.get(row.id), (signers.get(row.id) ?? []).map(investigatorSummary), options));
  };

  return {
    createAction: async ({ action }) => {
      if (!action) throw new InvalidArgumentError('action', 'is required');
      const now = clock();
      const domainAction = actionFromMessage(action);
      validateAction(domainAction, now, 'action', limits);
      const status = action.status === '' ? 'pending' : action.status;
      if (!isOneOf(RUNNING_ACTION_STATUSES, status)) {
        throw new InvalidArgumentError('action.status', `an action is created ${RUNNING_ACTION_STATUSES.join(', ')} (default pending), not ${quoteInput(status)}`);
      }
      requireDecompressibleOperations(domainAction.operations, 'action');
      // Signatures are checked before the id is: a caller may not learn which actions exist.
      const verified = await signatures.verify(domainAction);
      const row = await dataSource.transaction(async (manager) => {
        const inserted = await actions.insert(domainAction, verified.signedOperations, status, now, manager);
        await signatures.store(inserted.id, verified.signatures, manager);
        return inserted;
      });
      const [message] = await withCounters([row]);
      return { action: message };
    },

    getAction: async ({ id, decompressParameters }) => {
      const [message] = await withCounters([await actions.get(requireMigId(id, 'id'))], { decompressParameters });
      return { action: message };
    },

    listActions: async (request) => {
      if (request.status !== undefined) requireActionStatus(request.status, 'status');
      const page = readPage(PAGED_LISTS.actions, request, { status: request.status });
      const rows = await actions.list(request.status, page);
      return { actions: await withCounters(rows, { decompressParameters: request.decompressParameters }), nextPageToken: nextPageToken(page, rows, (row) => [row.id]) };
    },

    updateActionStatus: async ({ id, status }) => {
      const to = requireActionStatus(status, 'status');
      if (to === 'completed') throw new InvalidArgumentError('status', 'an action is completed by FinishAction, which sets its finish time and checks its commands in flight');
      const row = await actions.transition(requireMigId(id, 'id'), to, clock());
      const [message] = await withCounters([row]);
      return { action: message };
    },

    claimPendingActions: async ({ limit }) => {
      if (!Number.isInteger(limit) || limit < 1 || limit > 1000) throw new InvalidArgumentError('limit', `must be from 1 to 1000, got ${limit}`);
      return { actions: await withCounters(await actions.claimPending(limit, clock())) };
    },

    finishAction: async ({ id, finishtime, force }) => {
      const row = await actions.finish(requireMigId(id, 'id'), finishtime ?? clock(), force);
      const [message] = await withCounters([row]);
      return { action: message };
    },
  };
}

function requireActionStatus(status: string, field: string): ActionStatus {
  if (!isOneOf(ACTION_STATUSES, status)) {
    throw new InvalidArgumentError(field, `unknown action status ${quoteInput(status)}; one of ${ACTION_STATUSES.join(', ')}`);
  }
  return status;
}
