import type { SpoolCommand } from '../spool-command';
import { runCommand } from './run-command';

/** Every command of mig-spool, in the order `help` lists them; each lives in its own file beside this one. */
export const SPOOL_COMMANDS: SpoolCommand[] = [runCommand];
