import { formatActionFile, parseActionFile, readMigOperations } from './action-file';
import { goField } from './go-json-fields';

// A compressed action as MIG's client writes it after `mig -z` (CompressAction) and as
// libs/pgp/fixtures/go-canonical/compressed-action.json holds it: the compressed parameters are a
// base64 string, both flags set.
const COMPRESSED_FILE = `{
    "name": "compressed search (mig -z)",
    "target": "queueloc LIKE 'linux.%'",
    "operations": [
        {
            "module": "ping",
            "parameters": "H4sIAAAAAAAA/6pWSs4vzStRsjLWUUpJLS7JzEssyczPU7JSMrQ00jPQM9IzVKoFBAAA///1WytmJQAAAA==",
            "is_compressed": true,
            "want_compressed": true
        },
        {"module": "netstat", "parameters": {"connectedip": ["10.0.0.1"]}}
    ],
    "syntaxversion": 2
}`;

describe('MIG action files with compressed operations', () => {
  it('parses the flags from MIG\'s file format, and writes them back only when true', () => {
    const file = parseActionFile(COMPRESSED_FILE);
    expect(file.operations).toEqual([
      { module: 'ping', parameters: 'H4sIAAAAAAAA/6pWSs4vzStRsjLWUUpJLS7JzEssyczPU7JSMrQ00jPQM9IzVKoFBAAA///1WytmJQAAAA==', isCompressed: true, wantCompressed: true },
      { module: 'netstat', parameters: { connectedip: ['10.0.0.1'] } },
    ]);
    expect(formatActionFile(file).operations).toEqual([
      { module: 'ping', parameters: file.operations[0].parameters, is_compressed: true, want_compressed: true },
      { module: 'netstat', parameters: { connectedip: ['10.0.0.1'] } },
    ]);
    expect(parseActionFile(JSON.stringify(formatActionFile(file))).operations).toEqual(file.operations);
  });

  it('matches the flags\' keys in any case, as Go does, and reads false or null as unset', () => {
    const operations = readMigOperations([
      { Module: 'a', IS_COMPRESSED: true, Want_Compressed: true, parameters: 'x' },
      { module: 'b', is_compressed: false, want_compressed: null },
    ]);
    expect(operations).toEqual([
      { module: 'a', parameters: 'x', isCompressed: true, wantCompressed: true },
      { module: 'b', parameters: null },
    ]);
  });

  it('refuses a flag that is not a boolean, naming it (Go cannot decode it into a bool)', () => {
    expect(() => readMigOperations([{ module: 'a', is_compressed: 'true' }])).toThrow('action.operations[0].is_compressed: must be true or false');
    expect(() => readMigOperations([{ module: 'a', want_compressed: 1 }], 'actions.operations')).toThrow('actions.operations[0].want_compressed');
  });
});

describe('goField: keys matched as Go 1.19\'s encoding/json matches them', () => {
  it('takes the last key that matches when several spell the field, exact or in another case', () => {
    expect(goField({ module: 'first', MODULE: 'last' }, 'module')).toBe('last');
    expect(goField({ Module: 'first', module: 'last' }, 'module')).toBe('last');
  });

  it('folds ASCII letters, and ſ (U+017F) onto s and the Kelvin sign onto k, nothing else', () => {
    expect(goField({ PARAMETERſ: 1 }, 'parameters')).toBe(1);
    expect(goField({ '\u212Aey': 2 }, 'key')).toBe(2);
    expect(goField({ 'İd': 3 }, 'id')).toBeUndefined();
    expect(goField({ module_: 4 }, 'module')).toBeUndefined();
  });
});
