import { ACTION_STATES, COMMAND_STATES, listWorkFilesWithAge } from '@mig-data/spool';
import { formatAge } from '../output/age';
import { renderColumns } from '../output/columns';
import { UsageError, type SpoolCommand } from '../spool-command';
import { existingSpool } from '../spool-view/existing-spool';

/** Files and the oldest one's age per state directory: where work is piling up, at a glance. */
export const statusCommand: SpoolCommand = {
  name: 'status',
  summary: 'files and the oldest file\'s age in each spool directory',
  usage: 'mig-spool [settings] [--json] status',
  async run({ args, settings, json, out }) {
    if (args.length > 0) throw new UsageError('status takes no arguments');
    const layout = await existingSpool(settings);
    const now = Date.now();
    const places = [...ACTION_STATES.map((state) => ({ place: `action/${state}`, path: layout.action[state] })), ...COMMAND_STATES.map((state) => ({ place: `command/${state}`, path: layout.command[state] }))];
    const directories = [];
    for (const { place, path } of places) {
      const files = await listWorkFilesWithAge(path);
      const oldest = files.reduce<(typeof files)[number] | undefined>((found, file) => (!found || file.modified < found.modified ? file : found), undefined);
      directories.push({ directory: place, files: files.length, oldestAgeSeconds: oldest ? Math.max(0, Math.floor((now - oldest.modified.getTime()) / 1000)) : null, oldestFile: oldest?.name ?? null });
    }
    if (json) {
      out(JSON.stringify({ spool: layout.root, directories }, null, 2));
      return;
    }
    const rows = directories.map((entry) => [entry.directory, String(entry.files), entry.oldestAgeSeconds === null ? '-' : formatAge(entry.oldestAgeSeconds * 1000), entry.oldestFile ?? '']);
    out(`spool ${layout.root}\n${renderColumns([['directory', 'files', 'oldest', 'oldest file'], ...rows])}`);
  },
};
