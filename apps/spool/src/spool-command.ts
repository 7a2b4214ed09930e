import type { DataServiceClients } from '@mig-data/client';
import type { SpoolSettings } from '@mig-data/spool';
import type { SpoolLogger } from './spool-logger';

/** What every `mig-spool` command gets. */
export interface SpoolCommandContext {
  /** The command's own arguments (the settings flags already taken out). */
  args: string[];
  /** The settings: flags > environment > scheduler.cfg > defaults (libs/spool SPOOL_SETTING_SOURCES). */
  settings: SpoolSettings;
  /** Connected lazily, with the TLS files of the settings: `help` and bad usage never touch the network. */
  clients(): DataServiceClients;
  json: boolean;
  out(text: string): void;
  err(text: string): void;
  log: SpoolLogger;
  /** Aborted on SIGINT/SIGTERM: long-running commands (run) stop cleanly. */
  signal: AbortSignal;
}

/** One `mig-spool <name>` command; each lives in its own file under commands/. */
export interface SpoolCommand {
  name: string;
  summary: string;
  /** Shown by `mig-spool help <name>` and on bad usage. */
  usage: string;
  /** Resolves with the exit code (0 when nothing is returned). */
  run(context: SpoolCommandContext): Promise<number | void>;
}

/** Bad arguments: main prints the message and the command's usage and exits 2 (one class for both programs). */
export { UsageError } from '@mig-data/client';
