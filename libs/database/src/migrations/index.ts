import { MigSchema1764288000000 } from './1764288000000-mig-schema';
import { MigRoles1764288000001 } from './1764288000001-mig-roles';

/** Every migration, oldest first. Add new ones at the end; never edit a merged one. */
export const MIG_MIGRATIONS = [MigSchema1764288000000, MigRoles1764288000001];
