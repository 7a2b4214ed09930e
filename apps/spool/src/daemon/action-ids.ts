import { randomInt } from 'node:crypto';
import { migIdFloor } from '@mig-data/domain';

/**
 * An id for an action file dropped without one. The spool names the file before anything is
 * recorded (rewritten with the id, then CreateAction keeps it), so a crash after CreateAction finds
 * the same id in the file and the repeat is recognised instead of creating a second action.
 * MIG's own generator (seconds since MIG's epoch << 16) with the upper half of the 16 low bits
 * random: it grows with time like the service's sequence, which starts each second's window at its
 * bottom, and two spools naming files in the same second almost never meet. Should an id still be
 * taken, the stored action's signatures differ and the file is set aside saying so.
 */
export function newActionId(now = new Date()): number {
  return migIdFloor(now) + 32768 + randomInt(32768);
}
