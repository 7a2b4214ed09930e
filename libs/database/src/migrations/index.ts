import { MigSchema1764288000000 } from './1764288000000-mig-schema';
import { MigRoles1764288000001 } from './1764288000001-mig-roles';
import { SchedulerIdentity1795871941881 } from './1795871941881-scheduler-identity';
import { FleetJobRuns1795871962023 } from './1795871962023-fleet-job-runs';
import { TargetGuard1795871962024 } from './1795871962024-target-guard';
import { FleetIndexes1795872154230 } from './1795872154230-fleet-indexes';
import { MigFinalSchema1796000000000 } from './1796000000000-mig-final-schema';
import { TargetSandboxRole1796000100000 } from './1796000100000-target-sandbox-role';
import { SetConfigForEveryone1796000100001 } from './1796000100001-set-config-for-everyone';
import { MigGrants1796000100002 } from './1796000100002-mig-grants';
import { MigUnsetValues1796000200000 } from './1796000200000-mig-unset-values';
import { EndpointLastSeen1796003000000 } from './1796003000000-endpoint-last-seen';
import { AgentsQueuelocHeartbeattime1796003000001 } from './1796003000001-agents-queueloc-heartbeattime';
import { LiveAgentsByQueueloc1796004000000 } from './1796004000000-live-agents-by-queueloc';
import { LiveAgents1796009000000 } from './1796009000000-live-agents';
import { EndpointsByName1796009100000 } from './1796009100000-endpoints-by-name';
import { EndpointsByLastStart1796009200000 } from './1796009200000-endpoints-by-last-start';

/** Every migration, oldest first. Add new ones at the end; never edit a merged one. */
export const MIG_MIGRATIONS = [MigSchema1764288000000, MigRoles1764288000001, SchedulerIdentity1795871941881, FleetJobRuns1795871962023, TargetGuard1795871962024, FleetIndexes1795872154230, MigFinalSchema1796000000000, TargetSandboxRole1796000100000, SetConfigForEveryone1796000100001, MigGrants1796000100002, MigUnsetValues1796000200000, EndpointLastSeen1796003000000, AgentsQueuelocHeartbeattime1796003000001, LiveAgentsByQueueloc1796004000000, LiveAgents1796009000000, EndpointsByName1796009100000, EndpointsByLastStart1796009200000];
