import { UsageError, type OperatorCommand } from '../operator-command';
import { renderInvestigators } from './investigators-command';

export const investigatorStatusCommand: OperatorCommand = {
  name: 'investigator-status',
  summary: "set an investigator active or disabled (a disabled investigator's signatures no longer count)",
  usage: 'mig-operator investigator-status ID active|disabled',
  async run({ args, clients, json, out }) {
    const [idText, status] = args;
    const id = Number(idText);
    if (args.length !== 2 || !Number.isSafeInteger(id) || id < 1) throw new UsageError('give the investigator id and the new status');
    if (status !== 'active' && status !== 'disabled') throw new UsageError(`the status is active or disabled, not "${status}"`);
    const { investigator } = await clients().investigators.updateInvestigatorStatus({ id, status });
    out(renderInvestigators([investigator!], json));
  },
};
