/**
 * work_mem of the service's statements that read the whole fleet (target expansion, the offline,
 * double-agent and multi-agent lists, the statistics snapshot: each sets it with SET LOCAL): a
 * sort or hash over every live agent stays in memory instead of spilling to disk.
 * PostgreSQL's default, 4 MB, is sized for many small queries at once; at MIG's production size
 * (200,000 live endpoints) one set of live queuelocs alone is tens of megabytes. The bench gives
 * its raw baselines the same (bench/README.md), so both sides of a comparison have the same memory.
 */
export const FLEET_QUERY_WORK_MEM = '64MB';
