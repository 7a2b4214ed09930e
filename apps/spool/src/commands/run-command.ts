import { parseArgs } from 'node:util';
import { ensureSpoolLayout, layoutOf } from '@mig-data/spool';
import { SpoolDaemon } from '../daemon/spool-daemon';
import { UsageError, type SpoolCommand } from '../spool-command';

export const runCommand: SpoolCommand = {
  name: 'run',
  summary: 'the daemon: moves actions and commands between the spool and the data service until SIGINT/SIGTERM',
  usage: 'mig-spool [settings] run [--once] [--fan-out-chunk N]\n  --once: one pass and one periodic round, then exit (for cron or a check); --fan-out-chunk: agents per ExpandTarget batch and CreateCommands call (default 5000, at most 10000)',
  async run({ args, settings, clients, log, signal }) {
    const { values } = parseArgs({ args, options: { once: { type: 'boolean', default: false }, 'fan-out-chunk': { type: 'string', default: '5000' } } });
    const fanOutChunk = Number(values['fan-out-chunk']);
    if (!Number.isInteger(fanOutChunk) || fanOutChunk < 1 || fanOutChunk > 10_000) throw new UsageError(`--fan-out-chunk must be from 1 to 10000, got "${values['fan-out-chunk']}"`);
    const layout = layoutOf(settings);
    await ensureSpoolLayout(layout);
    const daemon = new SpoolDaemon({ layout, settings, clients: clients(), log, now: () => new Date(), fanOutChunk, callsInFlight: 16, recordedSent: new Set() });
    log.info('mig-spool running', { spool: layout.root, dataService: settings.address, rescanMs: settings.rescanMs, periodicMs: settings.periodicMs, deleteAfterMs: settings.deleteAfterMs, config: settings.config, pid: process.pid });
    if (values.once) {
      await daemon.pass();
      await daemon.periodic();
    } else {
      await daemon.run(signal);
    }
    log.info('mig-spool stopped', { pid: process.pid });
  },
};
