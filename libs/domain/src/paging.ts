import { InvalidArgumentError } from './errors';

/**
 * List calls page by offset behind an opaque token (AIP-158): callers pass back
 * `next_page_token` untouched. The token is base64 so that no caller starts building it by hand.
 */
export interface Page {
  limit: number;
  offset: number;
}

export function readPage(pageSize: number, pageToken: string, defaults: { size: number; max: number }): Page {
  if (!Number.isInteger(pageSize) || pageSize < 0) throw new InvalidArgumentError('page_size', `must be 0 (default) or positive, got ${pageSize}`);
  const limit = Math.min(pageSize === 0 ? defaults.size : pageSize, defaults.max);
  if (pageToken === '') return { limit, offset: 0 };
  const decoded = /^offset:(\d+)$/.exec(Buffer.from(pageToken, 'base64url').toString('utf8'));
  const offset = decoded ? Number(decoded[1]) : NaN;
  if (!Number.isSafeInteger(offset)) {
    throw new InvalidArgumentError('page_token', 'is not a token this service returned; pass next_page_token unchanged');
  }
  return { limit, offset };
}

/** The token for the page after `page`, or '' when `returned` shows this was the last one. */
export function nextPageToken(page: Page, returned: number): string {
  return returned < page.limit ? '' : Buffer.from(`offset:${page.offset + returned}`, 'utf8').toString('base64url');
}
