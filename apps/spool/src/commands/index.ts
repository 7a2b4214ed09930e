import type { SpoolCommand } from '../spool-command';
import { runCommand } from './run-command';
import { initCommand } from './init-command';
import { statusCommand } from './status-command';
import { inspectCommand } from './inspect-command';
import { reconcileCommand } from './reconcile-command';
import { submitCommand } from './submit-command';

/** Every command of mig-spool, in the order `help` lists them; each lives in its own file beside this one. */
export const SPOOL_COMMANDS: SpoolCommand[] = [initCommand, submitCommand, runCommand, statusCommand, inspectCommand, reconcileCommand];
