import { parseId } from '../args/options';
import { renderJson } from '../output/table';
import { UsageError, type OperatorCommand } from '../operator-command';

/**
 * Cancels an action that has not finished (pending, scheduled, preparing or inflight): the
 * service refuses a completed, invalid or expired one and names its status. Cancelling a
 * cancelled action is a harmless repeat.
 */
export const actionCancelCommand: OperatorCommand = {
  name: 'action cancel',
  summary: 'cancel an action that has not finished',
  usage: 'mig-operator action cancel ACTION_ID',
  async run({ args, clients, json, out }) {
    if (args.length !== 1) throw new UsageError('give one action id');
    const { action } = await clients().actions.updateActionStatus({ id: parseId(args[0], 'action'), status: 'cancelled' });
    out(json ? renderJson(action) : `action ${action!.id} "${action!.name}" is ${action!.status}`);
  },
};
