/** What global-setup hands to the test files, through the environment of jest's workers. */
export const TEST_ADMIN_URL_VARIABLE = 'MIG_TEST_ADMIN_URL';
export const TEST_TEMPLATE_VARIABLE = 'MIG_TEST_TEMPLATE_DATABASE';

/** `url` with its database name replaced. */
export function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${encodeURIComponent(database)}`;
  return parsed.toString();
}

export function quoteIdentifier(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}
