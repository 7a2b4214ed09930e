import { gunzipSync, gzipSync } from 'node:zlib';
import { InvalidArgumentError, type Operation } from '@mig-data/domain';
import { goJson } from './go-json';

// MIG's compressed operations (`mig -z`): the parameters, as Go's json.Marshal writes them,
// gzip-compressed and base64-encoded (standard alphabet, padded) into a JSON string, with
// is_compressed set (Operation.CompressOperationParam / DecompressOperationParam in MIG's
// action.go). The compressed string is what is signed and stored; decompressing is only ever done
// for a reader, never to what is kept.

/** The most a compressed operation's parameters may expand to: a small file must not become gigabytes. */
export const DECOMPRESSED_PARAMETERS_LIMIT_BYTES = 1024 * 1024;

/** Go's base64.StdEncoding, which skips line breaks and needs exact padding. */
const STD_BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** MIG's CompressOperationParam for a client (Node's gzip header differs from Go's, which does not matter: the result is what gets signed). */
export function compressParameters(parameters: unknown): string {
  return gzipSync(Buffer.from(goJson(parameters), 'utf8')).toString('base64');
}

/**
 * MIG's DecompressOperationParam: the JSON value that compressed parameters hold. Throws
 * INVALID_ARGUMENT naming `field` when they are not a base64 string of gzip-compressed JSON, or
 * expand past DECOMPRESSED_PARAMETERS_LIMIT_BYTES.
 */
export function decompressParameters(parameters: unknown, field: string): unknown {
  const reason = 'is_compressed is set, so the parameters must be a base64 string of gzip-compressed JSON';
  if (typeof parameters !== 'string') throw new InvalidArgumentError(field, `${reason}, not ${parameters === null ? 'null' : `a ${Array.isArray(parameters) ? 'list' : typeof parameters}`}`);
  const base64 = parameters.replace(/[\r\n]/g, '');
  if (!STD_BASE64.test(base64)) throw new InvalidArgumentError(field, `${reason}; this is not standard padded base64`);
  let text: string;
  try {
    text = gunzipSync(Buffer.from(base64, 'base64'), { maxOutputLength: DECOMPRESSED_PARAMETERS_LIMIT_BYTES }).toString('utf8');
  } catch (error) {
    const tooLarge = (error as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE';
    throw new InvalidArgumentError(field, tooLarge ? `expands past ${DECOMPRESSED_PARAMETERS_LIMIT_BYTES} bytes once decompressed` : `${reason}; gunzip failed: ${(error as Error).message}`);
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new InvalidArgumentError(field, `${reason}; the decompressed text is not JSON: ${(error as Error).message}`);
  }
}

/** Checks that every compressed operation decompresses (agents would fail on it otherwise). */
export function requireDecompressibleOperations(operations: readonly Operation[], field: string): void {
  operations.forEach((operation, index) => {
    if (operation.isCompressed) decompressParameters(operation.parameters, `${field}.operations[${index}].parameters`);
  });
}
