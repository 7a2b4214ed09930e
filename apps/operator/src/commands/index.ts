import type { OperatorCommand } from '../operator-command';
import { agentsCommand } from './agents-command';
import { investigatorAddCommand } from './investigator-add-command';
import { investigatorsCommand } from './investigators-command';
import { investigatorStatusCommand } from './investigator-status-command';
import { signCommand } from './sign-command';
import { offlineAgentsCommand } from './offline-agents-command';
import { doubleAgentsCommand } from './double-agents-command';
import { statsCommand } from './stats-command';
import { searchCommand } from './search-command';

/** Every command of mig-operator, in the order `help` lists them. */
export const OPERATOR_COMMANDS: OperatorCommand[] = [agentsCommand, investigatorAddCommand, investigatorsCommand, investigatorStatusCommand, signCommand, offlineAgentsCommand, doubleAgentsCommand, statsCommand, searchCommand];
