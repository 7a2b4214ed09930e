/**
 * The largest CreateCommandsResponse for `refs` command refs, in bytes of protobuf. Every id is
 * below 2^53, so its varint takes at most 8 bytes (7 bits each); a CommandRef is then at most
 * 1 + 8 + 1 + 8 = 18 bytes, and inside the repeated field 1 (tag) + 1 (length) + 18 = 20;
 * created_count adds 1 + 8. The configuration refuses an ids-per-call cap whose answer could
 * exceed the largest message the service sends: CreateCommands commits before it answers, and an
 * answer that cannot be sent would leave the caller with commands it never learned the ids of.
 */
export function maxCreateCommandsAnswerBytes(refs: number): number {
  return refs * 20 + 9;
}
