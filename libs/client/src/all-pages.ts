/**
 * Every row of a paged list: reads page after page with the token each answer gives until the
 * service says there is no more. For lists a caller needs whole (a command's few signers, an
 * action's commands); a caller that acts on each page as it comes keeps its own loop.
 */
export async function allPages<Page extends { nextPageToken: string }, Row>(readPage: (pageToken: string) => Promise<Page>, rowsOf: (page: Page) => Row[]): Promise<Row[]> {
  const rows: Row[] = [];
  let pageToken = '';
  do {
    const page = await readPage(pageToken);
    rows.push(...rowsOf(page));
    pageToken = page.nextPageToken;
  } while (pageToken);
  return rows;
}
