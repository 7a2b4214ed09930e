import type { InvestigatorServiceServer } from '@mig-data/contract';
import type { ActionRepository, InvestigatorRepository } from '@mig-data/database';
import {
  FailedPreconditionError,
  INVESTIGATOR_STATUSES,
  InvalidArgumentError,
  isOneOf,
  nextPageToken,
  PAGED_LISTS,
  NotFoundError,
  readPage,
  requireMigId,
  requireText,
  TEXT_LIMITS,
  type InvestigatorStatus,
  quoteInput,
} from '@mig-data/domain';
import { generateSchedulerKeyPair, readInvestigatorPublicKey, signAction, whyMigAgentsCannotReadKey } from '@mig-data/pgp';
import type { ActionSignatures } from '../actions/action-signatures';
import { actionFromMessage } from '../actions/action-mapping';
import type { RpcMethods } from '../grpc/rpc-handlers';
import { investigatorToMessage } from './investigator-mapping';
import type { SchedulerKeyAtRest } from './scheduler-key-at-rest';

/** investigators.name is varchar(1024). */
const NAME_LENGTH = 1024;
/** MIG's scheduler signs as this investigator. */
const SCHEDULER_NAME = 'migscheduler';
const FINGERPRINT = /^(?:[0-9A-Fa-f]{40}|[0-9A-Fa-f]{64})$/;

export interface InvestigatorPolicy {
  /** Accept keys MIG's Go agents cannot read (MIG_DATA_ALLOW_NON_RSA_KEYS), for fleets whose agents can. */
  allowNonRsaKeys: boolean;
  /** How the scheduler's private key is stored (sealed, or in clear when no key is configured). */
  schedulerKeyAtRest: SchedulerKeyAtRest;
}

/** The InvestigatorService RPCs (proto/mig/data/v1/investigator_service.proto). */
export function investigatorService(
  investigators: InvestigatorRepository,
  actions: ActionRepository,
  signatures: ActionSignatures,
  clock: () => Date,
  policy: InvestigatorPolicy,
): RpcMethods<InvestigatorServiceServer> {
  return {
    createInvestigator: async ({ name, publickey }) => {
      requireText(name, 'name', NAME_LENGTH);
      if (publickey.trim() === '') throw new InvalidArgumentError('publickey', "is required: the investigator's armored OpenPGP public key");
      const key = await readInvestigatorPublicKey(publickey, clock(), 'publickey');
      const unreadable = policy.allowNonRsaKeys ? undefined : whyMigAgentsCannotReadKey(key.key);
      if (unreadable) {
        throw new InvalidArgumentError('publickey', `${unreadable}; register an RSA key, or start the service with MIG_DATA_ALLOW_NON_RSA_KEYS=true if every agent of the fleet can verify this one`);
      }
      const row = await investigators.create({ name, pgpfingerprint: key.fingerprint, publickey: key.armoredPublicKey }, clock());
      return { investigator: investigatorToMessage(row) };
    },

    getInvestigator: async ({ id }) => ({ investigator: investigatorToMessage(await investigators.get(requireMigId(id, 'id'))) }),

    getInvestigatorByFingerprint: async ({ pgpfingerprint }) => {
      const fingerprint = pgpfingerprint.replace(/\s+/g, '');
      if (!FINGERPRINT.test(fingerprint)) throw new InvalidArgumentError('pgpfingerprint', `must be 40 hex characters (64 for a v6 key), got ${quoteInput(pgpfingerprint)}`);
      const row = await investigators.findByFingerprint(fingerprint);
      if (!row) throw new NotFoundError('investigator with fingerprint', fingerprint.toUpperCase());
      return { investigator: investigatorToMessage(row) };
    },

    listInvestigators: async (request) => {
      const status = request.status === undefined ? undefined : requireInvestigatorStatus(request.status);
      const page = readPage(PAGED_LISTS.investigators, request, { status });
      const rows = await investigators.list(status, page);
      return { investigators: rows.map(investigatorToMessage), nextPageToken: nextPageToken(page, rows, (row) => [row.id]) };
    },

    listActionInvestigators: async (request) => {
      const actionId = requireMigId(request.actionId, 'action_id');
      const page = readPage(PAGED_LISTS.actionInvestigators, request, { action_id: actionId });
      const action = await actions.get(actionId);
      const rows = await signatures.signersPage(action.id, page);
      return { investigators: rows.map(investigatorToMessage), nextPageToken: nextPageToken(page, rows, (row) => [row.id]) };
    },

    updateInvestigatorStatus: async ({ id, status }) => {
      const row = await investigators.updateStatus(requireMigId(id, 'id'), requireInvestigatorStatus(status), clock());
      return { investigator: investigatorToMessage(row) };
    },

    createSchedulerInvestigator: async ({ name }) => {
      const schedulerName = requireText(name === '' ? SCHEDULER_NAME : name, 'name', NAME_LENGTH);
      // Generating an RSA key takes a moment: refuse a second identity before making one.
      await investigators.requireNoScheduler();
      const row = await investigators.createScheduler(await schedulerKeys(schedulerName, policy.schedulerKeyAtRest), clock());
      return { investigator: investigatorToMessage(row) };
    },

    getSchedulerInvestigator: async () => {
      const row = await investigators.findScheduler();
      if (!row) throw new NotFoundError('investigator', "of the scheduler (create it with CreateSchedulerInvestigator)");
      return { investigator: investigatorToMessage(row) };
    },

    signActionAsScheduler: async ({ action }) => {
      if (!action) throw new InvalidArgumentError('action', 'is required');
      const domainAction = actionFromMessage(action);
      requireText(domainAction.name, 'action.name', TEXT_LIMITS.actionName);
      requireText(domainAction.target, 'action.target', TEXT_LIMITS.actionTarget);
      for (const field of ['validfrom', 'expireafter'] as const) {
        if (Number.isNaN(domainAction[field].getTime())) throw new InvalidArgumentError(`action.${field}`, 'must be set: the signature covers it');
      }
      const scheduler = await investigators.schedulerPrivateKey();
      if (!scheduler) throw new NotFoundError('investigator', 'of the scheduler (create it with CreateSchedulerInvestigator)');
      if (scheduler.investigator.status !== 'active') {
        throw new FailedPreconditionError(`the scheduler's identity (investigator ${scheduler.investigator.id}) is ${scheduler.investigator.status}; set it active to sign`);
      }
      const { investigator } = scheduler;
      const armoredPrivateKey = policy.schedulerKeyAtRest.open(scheduler.storedPrivateKey, investigator.id, investigator.pgpfingerprint);
      const pgpsignature = await signAction(domainAction, armoredPrivateKey);
      return { action: { ...action, pgpsignatures: [...action.pgpsignatures, pgpsignature] }, pgpsignature };
    },
  };
}

async function schedulerKeys(name: string, atRest: SchedulerKeyAtRest) {
  const pair = await generateSchedulerKeyPair(name, 'scheduler@mig.localhost');
  return { name, pgpfingerprint: pair.fingerprint, publickey: pair.armoredPublicKey, privatekey: atRest.seal(pair.armoredPrivateKey, pair.fingerprint) };
}

function requireInvestigatorStatus(status: string): InvestigatorStatus {
  if (!isOneOf(INVESTIGATOR_STATUSES, status)) {
    throw new InvalidArgumentError('status', `must be one of ${INVESTIGATOR_STATUSES.join(', ')}, got ${quoteInput(status)}`);
  }
  return status;
}
