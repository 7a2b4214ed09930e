/** One page of a list, as the walk sees it. */
export interface WalkedPage<R> {
  rows: R[];
  nextPageToken: string;
}

/**
 * Walks a list to its end, calling `between` after every page (writers that move rows while the
 * reader pages), and returns every row in the order read.
 */
export async function walk<R>(readPage: (pageToken: string) => Promise<WalkedPage<R>>, between: (pageIndex: number) => Promise<void> = async () => undefined): Promise<R[]> {
  const rows: R[] = [];
  let pageToken = '';
  let pageIndex = 0;
  do {
    const page = await readPage(pageToken);
    rows.push(...page.rows);
    pageToken = page.nextPageToken;
    await between(pageIndex++);
  } while (pageToken);
  return rows;
}
