import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { parseActionFile } from '@mig-data/domain';
import { compressParameters, decompressParameters, DECOMPRESSED_PARAMETERS_LIMIT_BYTES, requireDecompressibleOperations } from './compressed-parameters';
import { goJson } from './go-json';

// compressed-action.json is compressible-action.json after Go's own compression (main.go -compress,
// which is MIG's CompressOperationParam): its parameters must decompress to the original ones.
const FIXTURES_DIR = join(__dirname, '../fixtures/go-canonical');
const original = parseActionFile(readFileSync(join(FIXTURES_DIR, 'compressible-action.json'), 'utf8'));
const compressed = parseActionFile(readFileSync(join(FIXTURES_DIR, 'compressed-action.json'), 'utf8'));

describe('compressed operation parameters (MIG\'s CompressOperationParam / DecompressOperationParam)', () => {
  it('reads Go\'s compressed file: flags set where compression was wanted, and parameters that decompress to the original JSON', () => {
    expect(compressed.operations.map(({ module, isCompressed, wantCompressed }) => ({ module, isCompressed, wantCompressed }))).toEqual([
      { module: 'file', isCompressed: true, wantCompressed: true },
      { module: 'netstat', isCompressed: undefined, wantCompressed: undefined },
      { module: 'ping', isCompressed: true, wantCompressed: true },
    ]);
    compressed.operations.forEach((operation, index) => {
      if (!operation.isCompressed) return;
      expect(typeof operation.parameters).toBe('string');
      const decompressed = decompressParameters(operation.parameters, `operations[${index}]`);
      expect(goJson(decompressed)).toBe(goJson(original.operations[index].parameters));
    });
    // -0 and the other Go number forms survive compression as Go wrote them.
    expect(goJson((decompressParameters(compressed.operations[0].parameters, 'p') as { numbers: unknown }).numbers)).toBe('[-0,1e+21,1e-7,9007199254740992,0.1]');
  });

  it('compresses as MIG does, so that what it compresses decompresses back', () => {
    const parameters = { searches: { s1: { names: ['<x>'], numbers: [-0, 1e21] } } };
    const base64 = compressParameters(parameters);
    expect(base64).toMatch(/^H4sI[A-Za-z0-9+/]+=*$/);
    expect(goJson(decompressParameters(base64, 'p'))).toBe(goJson(parameters));
    // Go's base64 decoder skips line breaks.
    expect(goJson(decompressParameters(base64.replace(/(.{8})/g, '$1\r\n'), 'p'))).toBe(goJson(parameters));
  });

  it.each([
    ['an object', { a: 1 }, 'must be a base64 string of gzip-compressed JSON, not a object'],
    ['null', null, 'not null'],
    ['unpadded base64', 'H4sIAAAAAAAA/6pWSs4vzStRsjLWUUpJLS7JzEssyczPU7JSMrQ00jPQM9IzVKoFBAAA///1WytmJQAAAA', 'is not standard padded base64'],
    ['URL-safe base64', '-_-_', 'is not standard padded base64'],
    ['base64 of something that is not gzip', Buffer.from('plain text').toString('base64'), 'gunzip failed'],
    ['gzip of something that is not JSON', gzipSync('{not json').toString('base64'), 'the decompressed text is not JSON'],
    ['gzip that expands past the limit', gzipSync(Buffer.alloc(DECOMPRESSED_PARAMETERS_LIMIT_BYTES + 1, 0x20)).toString('base64'), `expands past ${DECOMPRESSED_PARAMETERS_LIMIT_BYTES} bytes`],
  ])('refuses %s, naming the field', (_case, parameters, reason) => {
    expect(() => decompressParameters(parameters, 'action.operations[0].parameters')).toThrow(/^action\.operations\[0\]\.parameters: /);
    expect(() => decompressParameters(parameters, 'action.operations[0].parameters')).toThrow(reason);
  });

  it('checks only the operations marked compressed', () => {
    expect(() => requireDecompressibleOperations([{ module: 'file', parameters: 'not base64!', wantCompressed: true }], 'action')).not.toThrow();
    expect(() => requireDecompressibleOperations([{ module: 'file', parameters: {} }, { module: 'ping', parameters: 'nope', isCompressed: true }], 'action')).toThrow(
      'action.operations[1].parameters: is_compressed is set',
    );
  });
});
