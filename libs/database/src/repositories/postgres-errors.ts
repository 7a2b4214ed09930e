/** SQLSTATE codes the repositories turn into domain errors; anything else is a server fault. */
export const UNIQUE_VIOLATION = '23505';
export const FOREIGN_KEY_VIOLATION = '23503';
export const QUERY_CANCELED = '57014';
export const DEADLOCK_DETECTED = '40P01';

export function sqlState(error: unknown): string | undefined {
  const code = (error as { code?: unknown; driverError?: { code?: unknown } })?.driverError?.code ?? (error as { code?: unknown })?.code;
  return typeof code === 'string' ? code : undefined;
}
