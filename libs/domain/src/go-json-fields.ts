/**
 * MIG's files are read by Go's encoding/json (Go 1.19, as MIG was built), which matches each JSON
 * key to a struct field by exact name or else case-insensitively, and ignores unknown keys. Each
 * matching key is decoded in turn, so when several spell the same field (`"module"` and
 * `"Module"`) the last one wins. Reading them the same way keeps every file MIG accepted
 * acceptable here, with the same values.
 */
export function goField(object: Record<string, unknown>, name: string): unknown {
  let value: unknown;
  for (const key of Object.keys(object)) {
    if (key === name || goKeyFolds(key, name)) value = object[key];
  }
  return value;
}

/**
 * Go's case folding of a JSON key against an ASCII field name: ASCII letters in either case, and
 * the two non-ASCII letters Unicode folds onto ASCII ones, U+017F (ſ) for s and U+212A (Kelvin
 * sign) for k. Anything else must be the same character.
 */
function goKeyFolds(key: string, name: string): boolean {
  const characters = [...key];
  if (characters.length !== name.length) return false;
  return characters.every((character, index) => {
    const expected = name[index].toLowerCase();
    if (character === '\u017f') return expected === 's';
    if (character === '\u212a') return expected === 'k';
    return character.length === 1 && character.charCodeAt(0) < 0x80 && character.toLowerCase() === expected;
  });
}

export function isJsonObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
