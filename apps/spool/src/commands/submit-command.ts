import { randomBytes } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { actionMessageFromFile } from '@mig-data/client';
import { ACTION_STATES, actionFileName, fileExists, placeFile } from '@mig-data/spool';
import { UsageError, type SpoolCommand } from '../spool-command';
import { existingSpool } from '../spool-view/existing-spool';

/**
 * Hands a signed action file to the daemon through action/new, placed the one safe way (tmp in
 * the spool, fsync, rename, fsync the directory), byte for byte. A file with an id is placed as
 * `<id>.json` unless that action is already in the spool; one without is given a name no id can
 * take, and the daemon gives it its id when it takes it.
 */
export const submitCommand: SpoolCommand = {
  name: 'submit',
  summary: 'place a signed action file in action/new, safely (the daemon takes it once validfrom passes)',
  usage: 'mig-spool [settings] [--json] submit SIGNED_ACTION_FILE',
  async run({ args, settings, json, out }) {
    if (args.length !== 1) throw new UsageError('give one signed action file (mig-operator sign FILE --key KEY signs it)');
    const [path] = args;
    const layout = await existingSpool(settings);
    const size = await stat(path).then((info) => info.size, (error: Error) => {
      throw new UsageError(`cannot read ${path}: ${error.message}`);
    });
    if (size > settings.maxFileBytes) throw new Error(`${path} is ${size} bytes, more than the ${settings.maxFileBytes} bytes the daemon reads (--max-file-bytes)`);
    const text = await readFile(path, 'utf8');
    let action;
    try {
      action = actionMessageFromFile(text);
    } catch (error) {
      throw new Error(`${path}: ${(error as Error).message}`);
    }
    // The daemon would set these aside; saying so now costs the operator less.
    if (action.pgpsignatures.length === 0 || !action.validfrom || !action.expireafter) throw new Error(`${path} is not signed (no signature, validfrom or expireafter): sign it first, mig-operator sign ${path} --key KEY`);
    if (action.expireafter <= new Date()) throw new Error(`${path} expired at ${action.expireafter.toISOString()}: sign a new one`);
    let name: string;
    if (action.id) {
      name = actionFileName(action.id);
      for (const state of ACTION_STATES) {
        if (await fileExists(join(layout.action[state], name))) throw new Error(`action ${action.id} is already in the spool, in action/${state}/${name}: handed in twice?`);
      }
    } else {
      name = `submitted-${new Date().toISOString().replace(/[-:.]/g, '')}-${randomBytes(4).toString('hex')}.json`;
    }
    await placeFile(layout, layout.action.new, name, text);
    const placed = { file: join(layout.action.new, name), actionId: action.id || null, validfrom: action.validfrom.toISOString(), expireafter: action.expireafter.toISOString() };
    if (json) {
      out(JSON.stringify(placed, null, 2));
      return;
    }
    const when = action.validfrom > new Date() ? `waits until ${placed.validfrom}` : 'is taken at once';
    out(`placed ${placed.file}${action.id ? ` (action ${action.id})` : ' (the daemon gives it its id)'}; it ${when} and expires ${placed.expireafter}`);
  },
};
