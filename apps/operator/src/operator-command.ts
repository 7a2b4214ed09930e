import type { DataServiceClients } from '@mig-data/client';

/** What every command gets: its own arguments, the clients, and where to write. */
export interface CommandContext {
  args: string[];
  /** Connected lazily: `help` and bad usage never touch the network. */
  clients(): DataServiceClients;
  json: boolean;
  out(text: string): void;
}

/** One `mig-operator <name>` command; each lives in its own file under commands/. */
export interface OperatorCommand {
  name: string;
  summary: string;
  /** Shown by `mig-operator help <name>` and on bad usage. */
  usage: string;
  run(context: CommandContext): Promise<void>;
}

/** Bad arguments: main prints the message and the command's usage and exits 2 (one class for both programs). */
export { UsageError } from '@mig-data/client';
