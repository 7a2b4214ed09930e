import { stat } from 'node:fs/promises';
import { relative } from 'node:path';
import { ensureSpoolLayout, fileExists, layoutDirectories, layoutOf, SPOOL_DIRECTORY_MODE } from '@mig-data/spool';
import { renderColumns } from '../output/columns';
import { UsageError, type SpoolCommand } from '../spool-command';

/**
 * Creates the spool's layout where it is missing, directories 0750 as MIG's scheduler made them
 * (files placed later are 0640). Existing directories keep their mode; one more open than 0750
 * (anyone may read the actions, or write work into the spool) is reported.
 */
export const initCommand: SpoolCommand = {
  name: 'init',
  summary: "create the spool's directories (0750; files 0640), as MIG's scheduler lays them out",
  usage: 'mig-spool [settings] init',
  async run({ args, settings, json, out, err }) {
    if (args.length > 0) throw new UsageError('init takes no arguments: the spool is --spool, $MIG_SPOOL_DIR or scheduler.cfg [directories] spool');
    const layout = layoutOf(settings);
    const directories = layoutDirectories(layout);
    const existed = await Promise.all(directories.map(fileExists));
    await ensureSpoolLayout(layout);
    const report = await Promise.all(
      directories.map(async (directory, index) => {
        const mode = (await stat(directory)).mode & 0o777;
        return { directory, mode: `0${mode.toString(8)}`, created: !existed[index], tooOpen: (mode & ~SPOOL_DIRECTORY_MODE) !== 0 };
      }),
    );
    if (json) {
      out(JSON.stringify({ spool: layout.root, tmp: layout.tmp, directories: report }, null, 2));
      return;
    }
    const name = (directory: string) => relative(layout.root, directory) || '.';
    out(`spool ${layout.root}\n${renderColumns(report.map((entry) => [name(entry.directory), entry.mode, entry.created ? 'created' : 'existed']))}`);
    for (const entry of report.filter((entry) => entry.tooOpen)) err(`warning: ${entry.directory} is ${entry.mode}, more open than 0750: chmod 0750 it unless this is on purpose`);
  },
};
