/**
 * PostgreSQL advisory lock keys of this project, in one place so that no two kinds of exclusive
 * work ever share one. Each single (bigint) key is 'MIGD' (0x4d494744) followed by a byte of its
 * own; a two-key lock (a separate key space in PostgreSQL) has 'MIGD' as its first key.
 */
export const ADVISORY_LOCKS = {
  /** Held while migrating: replicas starting together migrate one at a time. */
  migrations: 0x4d494744_01,
  /** Held by each heartbeat transaction: two replicas never register the same agent twice. */
  agentRegistration: 0x4d494744_02,
  /**
   * With a second key, hashint8(action id), in the two-key form (a key space of its own): held
   * while one call creates an action's commands, so two calls for one action never both write.
   * Two actions whose hashes collide only wait for each other.
   */
  commandsOfAction: 0x4d494744,
} as const;
