import { FailedPreconditionError } from './errors';
import { COMMAND_STATUSES, type ActionStatus, type CommandStatus } from './statuses';

/**
 * How a row may come to have one status. The database layer turns `from` into the
 * `status = ANY(…)` of one conditional UPDATE, so a change either happens from a listed status or
 * not at all, whatever runs at the same moment.
 */
export interface Transition<S extends string> {
  /** The statuses the change may start from. */
  readonly from: readonly S[];
  /**
   * Statuses in which the request is a harmless repeat: answered with the row unchanged, not
   * refused (a spool step redone after a crash, two schedulers returning the same command).
   */
  readonly unchangedIn: readonly S[];
}

/** For each target status, how a row reaches it. */
export type TransitionTable<S extends string> = Readonly<Record<S, Transition<S>>>;

/** An action a scheduler can still run: where cancel may come from, and what CreateAction may store. */
export const RUNNING_ACTION_STATUSES: readonly ActionStatus[] = ['pending', 'scheduled', 'preparing', 'inflight'];

/**
 * Actions, as MIG's scheduler moves them (mozilla/mig mig-scheduler/*.go, database/actions.go):
 * - scheduled ← pending: SetupRunnableActions claims with `UPDATE … WHERE status='pending'`; not
 *   repeatable, since a claim is what makes one scheduler the action's only owner.
 * - preparing ← scheduled: processNewAction records the claimed action as preparing before it
 *   creates the commands (an action dropped in the spool is created preparing, never updated to it).
 * - inflight ← preparing: flyAction, once the commands exist.
 * - completed ← preparing, inflight: landAction runs when done == sent, which needs commands, and
 *   commands exist from preparing on (a crash between creating them and flyAction leaves the action
 *   preparing while they return). FinishAction is the only way there: it sets the finish time and
 *   checks the commands in flight.
 * - invalid ← pending, scheduled, preparing: invalidAction, for an action that has expired when
 *   taken, matches no agent or got no command: all before it flies. A flown action has commands
 *   out; it completes or is cancelled instead.
 * - expired ← pending, scheduled: an action whose expireafter passed before anyone ran it (MIG's
 *   code never writes it; once commands are out they expire one by one and the action completes).
 * - cancelled ← every running status: MIG never wrote it either; an investigator may stop an action
 *   wherever it is, and the owner's next step is then refused.
 * Repeating the status an action already has is harmless, except `scheduled` and `pending`.
 */
export const ACTION_TRANSITIONS: TransitionTable<ActionStatus> = {
  pending: { from: [], unchangedIn: [] },
  scheduled: { from: ['pending'], unchangedIn: [] },
  preparing: { from: ['scheduled'], unchangedIn: ['preparing'] },
  inflight: { from: ['preparing'], unchangedIn: ['inflight'] },
  completed: { from: ['preparing', 'inflight'], unchangedIn: ['completed'] },
  invalid: { from: ['pending', 'scheduled', 'preparing'], unchangedIn: ['invalid'] },
  expired: { from: ['pending', 'scheduled'], unchangedIn: ['expired'] },
  cancelled: { from: RUNNING_ACTION_STATUSES, unchangedIn: ['cancelled'] },
};

/**
 * A command may finish from anything but `success`, as in MIG's FinishCommand (`WHERE status !=
 * 'success'`): a late result from the agent replaces an `expired` the spool wrote meanwhile, and a
 * `success` is never replaced (the request is answered with it unchanged). It may finish while
 * still `prepared`: the agent can answer before the relay has recorded that it sent the command.
 */
const FINISHED_FROM: readonly CommandStatus[] = COMMAND_STATUSES.filter((status) => status !== 'success');
const finished: Transition<CommandStatus> = { from: FINISHED_FROM, unchangedIn: ['success'] };

/** The status CreateCommands gives a command (no transition leads there). */
export const NEW_COMMAND_STATUS: CommandStatus = 'prepared';

/**
 * Commands: created `prepared` (statuses.ts says why); MarkCommandSent moves prepared → sent, and a
 * repeat is harmless (the relay redoing a move after a crash). A finished command is never sent
 * again: that is how a `failed` command used to turn back into `sent`.
 */
export const COMMAND_TRANSITIONS: TransitionTable<CommandStatus> = {
  prepared: { from: [], unchangedIn: [] },
  sent: { from: ['prepared'], unchangedIn: ['sent'] },
  success: finished,
  failed: finished,
  expired: finished,
  cancelled: finished,
  timeout: finished,
};

export type TransitionOutcome = 'apply' | 'unchanged' | 'refused';

/** What a request for status `to` does to a row whose status is `current`. */
export function transitionOutcome<S extends string>(table: TransitionTable<S>, current: string, to: S): TransitionOutcome {
  const transition = table[to];
  if ((transition.from as readonly string[]).includes(current)) return 'apply';
  if ((transition.unchangedIn as readonly string[]).includes(current)) return 'unchanged';
  return 'refused';
}

/** The refusal of a change, naming the current status and what the change needs. */
export function transitionRefused<S extends string>(table: TransitionTable<S>, entity: 'action' | 'command', id: number, current: string, to: S): FailedPreconditionError {
  const from = table[to].from;
  const needs = from.length === 0 ? `no status changes to ${to}: a new ${entity} starts ${to}` : `only ${from.join(', ')} can change to ${to}`;
  return new FailedPreconditionError(`${entity} ${id} is ${current}: ${needs}`);
}

