import type { ServiceDefinition } from '@grpc/grpc-js';
import { DomainError, InvalidArgumentError, requireAtMost } from '@mig-data/domain';

/** What a handler receives instead of a request refused while its bytes were read. */
export class RefusedRequest {
  constructor(readonly error: DomainError, readonly undecodable?: { cause: unknown; byteLength: number }) {}
}

/** A check of a request's bytes before they are decoded: throws a domain error to refuse them. */
export type BytesCheck = (bytes: Buffer) => void;

/**
 * The definition with each method's request decoder made total. grpc-js answers a decoder that
 * throws with INTERNAL and logs nothing; the generated decoder throws on malformed bytes and on an
 * int64 of 2^53 or more (forceLong=number refuses to round). Instead the handler gets a
 * RefusedRequest, which `rpcHandlers` logs and refuses as INVALID_ARGUMENT.
 * `checks` run on the raw bytes first: decoding a million ids costs the event loop about half a
 * second, so a list over its cap is refused by counting, before it is decoded.
 */
export function guardDecoding<Definition extends ServiceDefinition>(definition: Definition, checks: Partial<Record<keyof Definition, BytesCheck>> = {}): Definition {
  const guarded: Record<string, unknown> = {};
  for (const [name, method] of Object.entries(definition)) {
    const check = checks[name as keyof Definition];
    guarded[name] = {
      ...method,
      requestDeserialize: (bytes: Buffer) => {
        try {
          check?.(bytes);
        } catch (error) {
          if (error instanceof DomainError) return new RefusedRequest(error);
          throw error;
        }
        try {
          return method.requestDeserialize(bytes);
        } catch (error) {
          return new RefusedRequest(undecodableError(error, bytes.length), { cause: error, byteLength: bytes.length });
        }
      },
    };
  }
  return guarded as Definition;
}

function undecodableError(cause: unknown, byteLength: number): InvalidArgumentError {
  const reason = cause instanceof Error ? cause.message : String(cause);
  if (/M(AX|IN)_SAFE_INTEGER/.test(reason)) {
    return new InvalidArgumentError('request', 'an int64 field holds 2^53 or more (or -2^53 or less); ids, counts and times in seconds stay below 2^53 (9007199254740992)');
  }
  return new InvalidArgumentError('request', `${byteLength} bytes that are not a valid protobuf encoding of this method's request`);
}

/**
 * How many elements the top-level repeated field `field` holds in a message's bytes, without
 * decoding it: a packed list of varints is counted by its entries' last bytes (high bit clear),
 * messages one per entry. Undefined for bytes that do not parse: the decoder then says so.
 */
export function countRepeated(bytes: Buffer, field: number, entries: 'varints' | 'messages'): number | undefined {
  let count = 0;
  let at = 0;
  const varint = (): number | undefined => {
    let value = 0;
    for (let shift = 0; shift < 64; shift += 7) {
      if (at >= bytes.length) return undefined;
      const byte = bytes[at++];
      if (shift < 49) value += (byte & 0x7f) * 2 ** shift;
      if ((byte & 0x80) === 0) return value;
    }
    return undefined;
  };
  while (at < bytes.length) {
    const tag = varint();
    if (tag === undefined) return undefined;
    const number = Math.floor(tag / 8);
    const wireType = tag % 8;
    if (wireType === 0) {
      if (varint() === undefined) return undefined;
      if (number === field) count++;
    } else if (wireType === 2) {
      const length = varint();
      if (length === undefined || at + length > bytes.length) return undefined;
      if (number === field && entries === 'messages') count++;
      if (number === field && entries === 'varints') for (let i = at; i < at + length; i++) if ((bytes[i] & 0x80) === 0) count++;
      at += length;
    } else if (wireType === 1 || wireType === 5) {
      at += wireType === 1 ? 8 : 4;
    } else {
      return undefined;
    }
  }
  return count;
}

/** A BytesCheck refusing more than `max` elements in the repeated field `field` (named `name` for the caller). */
export function atMostRepeated(field: number, entries: 'varints' | 'messages', max: number, name: string, items: string): BytesCheck {
  return (bytes) => {
    const count = countRepeated(bytes, field, entries);
    if (count !== undefined) requireAtMost(count, name, max, items);
  };
}
