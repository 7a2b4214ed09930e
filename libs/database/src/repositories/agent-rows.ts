/** The agents columns in entity order, qualified so that they read the same inside joins and targets. */
export const AGENT_COLUMNS = [
  'id', 'name', 'queueloc', 'mode', 'version', 'pid', 'starttime', 'destructiontime', 'heartbeattime', 'refreshtime', 'status', 'environment',
  'tags', 'loadername',
]
  .map((column) => `agents.${column}`)
  .join(', ');

