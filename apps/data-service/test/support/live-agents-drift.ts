/** The rows where mig_data_live_agents differs from the online and idle agents of agents, either way: none when it is exact. */
export const LIVE_AGENTS_DRIFT = `
  (SELECT id, queueloc, version, status FROM agents WHERE status IN ('online', 'idle') EXCEPT SELECT id, queueloc, version, status FROM mig_data_live_agents)
  UNION ALL
  (SELECT id, queueloc, version, status FROM mig_data_live_agents EXCEPT SELECT id, queueloc, version, status FROM agents WHERE status IN ('online', 'idle'))`;
