import { renderJson } from './table';

/**
 * One page of a paged list: as JSON `{ "<key>": [...], "nextPageToken": "..." }` (empty on the
 * last page), or the table followed by how to ask for the next page.
 */
export function renderPage<Row>(json: boolean, key: string, rows: Row[], nextPageToken: string, table: (rows: Row[]) => string, nextCommand: string): string {
  if (json) return renderJson({ [key]: rows, nextPageToken });
  const rendered = table(rows);
  return nextPageToken ? `${rendered}\nmore: ${nextCommand} --page-token ${nextPageToken}` : rendered;
}
