import { readActionFile } from '../args/files';
import { renderJson } from '../output/table';
import { UsageError, type OperatorCommand } from '../operator-command';

/**
 * Hands a signed MIG action file to the service (CreateAction): stored `pending`, with the
 * signatures verified, for the spool daemon to claim once its validfrom passes. Sign it first
 * (`mig-operator sign`, or MIG's own client); the file's id is kept if it has one.
 */
export const actionCreateCommand: OperatorCommand = {
  name: 'action create',
  summary: 'hand a signed action file to the service: stored pending, prints its id',
  usage: 'mig-operator action create SIGNED_ACTION_FILE',
  async run({ args, clients, json, out }) {
    if (args.length !== 1) throw new UsageError('give one signed action file (mig-operator sign FILE --key KEY signs it)');
    const { action } = await clients().actions.createAction({ action: await readActionFile(args[0]) });
    if (json) return out(renderJson(action));
    const signers = action!.investigators.map((investigator) => investigator.name).join(', ');
    out(`${action!.id}\naction ${action!.id} "${action!.name}" is ${action!.status}, signed by ${signers}; valid from ${action!.validfrom?.toISOString()} until ${action!.expireafter?.toISOString()}`);
  },
};
