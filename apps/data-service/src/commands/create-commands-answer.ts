/**
 * The largest CreateCommandsResponse for `refs` command refs, in bytes of protobuf. Every id is
 * below 2^53, so its varint takes at most 8 bytes (7 bits each); each of the two packed arrays
 * (agent_ids, command_ids) is then 1 byte of tag, the varint of its length and at most 8 bytes per
 * id; created_count adds 1 + 8. The configuration refuses an ids-per-call cap whose answer could
 * exceed the largest message the service sends: CreateCommands commits before it answers, and an
 * answer that cannot be sent would leave the caller with commands it never learned the ids of.
 */
export function maxCreateCommandsAnswerBytes(refs: number): number {
  const packed = refs * 8;
  return 2 * (1 + varintBytes(packed) + packed) + 9;
}

function varintBytes(value: number): number {
  let bytes = 1;
  while (value >= 128) {
    value = Math.floor(value / 128);
    bytes++;
  }
  return bytes;
}
