import type { OperatorCommand } from '../operator-command';
import { agentsCommand } from './agents-command';
import { agentHeartbeatCommand } from './agent-heartbeat-command';
import { keyGenerateCommand } from './key-generate-command';
import { investigatorAddCommand } from './investigator-add-command';
import { investigatorsCommand } from './investigators-command';
import { investigatorStatusCommand } from './investigator-status-command';
import { signCommand } from './sign-command';
import { targetPreviewCommand } from './target-preview-command';
import { actionCreateCommand } from './action-create-command';
import { actionsCommand } from './actions-command';
import { actionShowCommand } from './action-show-command';
import { actionCancelCommand } from './action-cancel-command';
import { commandsCommand } from './commands-command';
import { offlineAgentsCommand } from './offline-agents-command';
import { doubleAgentsCommand } from './double-agents-command';
import { statsCommand } from './stats-command';
import { searchCommand } from './search-command';

/** Every command of mig-operator, in the order `help` lists them: a launch reads top to bottom (register, sign, preview, create, follow). */
export const OPERATOR_COMMANDS: OperatorCommand[] = [
  agentsCommand,
  agentHeartbeatCommand,
  keyGenerateCommand,
  investigatorAddCommand,
  investigatorsCommand,
  investigatorStatusCommand,
  signCommand,
  targetPreviewCommand,
  actionCreateCommand,
  actionsCommand,
  actionShowCommand,
  actionCancelCommand,
  commandsCommand,
  offlineAgentsCommand,
  doubleAgentsCommand,
  statsCommand,
  searchCommand,
];
