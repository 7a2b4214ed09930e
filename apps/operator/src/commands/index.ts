import type { OperatorCommand } from '../operator-command';
import { agentsCommand } from './agents-command';
import { investigatorAddCommand } from './investigator-add-command';
import { investigatorsCommand } from './investigators-command';
import { investigatorStatusCommand } from './investigator-status-command';
import { signCommand } from './sign-command';

/** Every command of mig-operator, in the order `help` lists them. */
export const OPERATOR_COMMANDS: OperatorCommand[] = [agentsCommand, investigatorAddCommand, investigatorsCommand, investigatorStatusCommand, signCommand];
