/**
 * PostgreSQL advisory lock keys of this project, in one place so that no two kinds of exclusive
 * work ever share one. Each is 'MIGD' (0x4d494744) followed by a byte of its own.
 */
export const ADVISORY_LOCKS = {
  /** Held while migrating: replicas starting together migrate one at a time. */
  migrations: 0x4d494744_01,
  /** Held by each heartbeat transaction: two replicas never register the same agent twice. */
  agentRegistration: 0x4d494744_02,
} as const;
