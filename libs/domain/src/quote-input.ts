/** Longest piece of a caller's input an error message repeats. */
export const QUOTED_INPUT_CHARS = 64;

/**
 * A caller's input as an error message repeats it: quoted, and cut to a short prefix that says how
 * long the whole was. Error messages travel back in one HTTP/2 header (grpc-message): repeating a
 * 100 KB input there stalls the caller's whole connection, and a prefix is enough to recognise it.
 * Every error that echoes input goes through here.
 */
export function quoteInput(value: unknown, maxChars = QUOTED_INPUT_CHARS): string {
  const text = typeof value === 'string' ? value : String(value);
  const quoted = (piece: string) => JSON.stringify(piece);
  if (text.length <= maxChars) return quoted(text);
  return `${quoted(text.slice(0, maxChars))}… (${text.length.toLocaleString('en-US')} characters)`;
}
