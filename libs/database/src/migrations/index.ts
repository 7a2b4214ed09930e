import { MigSchema1764288000000 } from './1764288000000-mig-schema';
import { MigRoles1764288000001 } from './1764288000001-mig-roles';
import { SchedulerIdentity1795871941881 } from './1795871941881-scheduler-identity';

/** Every migration, oldest first. Add new ones at the end; never edit a merged one. */
export const MIG_MIGRATIONS = [MigSchema1764288000000, MigRoles1764288000001, SchedulerIdentity1795871941881];
