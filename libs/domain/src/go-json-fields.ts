/**
 * MIG's files are read by Go's encoding/json, which matches a JSON key to a struct field by exact
 * name first and otherwise case-insensitively (`"Module"` fills `module`), and ignores unknown
 * keys. Reading them the same way keeps every file MIG accepted acceptable here.
 */
export function goField(object: Record<string, unknown>, name: string): unknown {
  if (Object.prototype.hasOwnProperty.call(object, name)) return object[name];
  const lower = name.toLowerCase();
  for (const key of Object.keys(object)) {
    if (key.toLowerCase() === lower) return object[key];
  }
  return undefined;
}

export function isJsonObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
