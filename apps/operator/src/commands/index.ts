import type { OperatorCommand } from '../operator-command';
import { agentsCommand } from './agents-command';

/** Every command of mig-operator, in the order `help` lists them. */
export const OPERATOR_COMMANDS: OperatorCommand[] = [agentsCommand];
