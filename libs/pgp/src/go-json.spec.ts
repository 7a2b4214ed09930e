import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseActionFile } from '@mig-data/domain';
import { actionCanonicalString } from './canonical-string';
import { goJson, goOperationsJson } from './go-json';

// go-canonical.json was printed by Go 1.19's encoding/json itself: fixtures/go-canonical/main.go
// run over every corpus action, fixtures/go-canonical/tricky-action.json and compressed-action.json
// (made by the same program's -compress, as `mig -z` compresses; the commands are in
// libs/pgp/README.md). Matching it byte for byte is what makes MIG's signatures verify here.
interface GoFixture {
  file: string;
  validfrom: number;
  expireafter: number;
  operations: string;
  canonical: string;
}

const FIXTURES_DIR = join(__dirname, '../fixtures/go-canonical');
const CORPUS_DIR = join(__dirname, '../../../testdata/mig-actions');
const fixtures: GoFixture[] = JSON.parse(readFileSync(join(FIXTURES_DIR, 'go-canonical.json'), 'utf8'));

function actionFileOf(fixture: GoFixture) {
  const dir = ['tricky-action.json', 'compressed-action.json'].includes(fixture.file) ? FIXTURES_DIR : CORPUS_DIR;
  return parseActionFile(readFileSync(join(dir, fixture.file), 'utf8'));
}

describe('Go encoding of the operations, against the output of Go itself', () => {
  it('covers the whole corpus and the tricky values', () => {
    expect(fixtures.length).toBe(22);
    expect(fixtures.map((fixture) => fixture.file)).toContain('upgrade.json');
    expect(fixtures.map((fixture) => fixture.file)).toContain('tricky-action.json');
    expect(fixtures.map((fixture) => fixture.file)).toContain('compressed-action.json');
  });

  it.each(fixtures.map((fixture) => [fixture.file, fixture] as const))('%s: operations and canonical string are byte-exact', (_file, fixture) => {
    const file = actionFileOf(fixture);
    expect(goOperationsJson(file.operations)).toBe(fixture.operations);
    const canonical = actionCanonicalString({
      ...file,
      validfrom: new Date(fixture.validfrom * 1000),
      expireafter: new Date(fixture.expireafter * 1000),
    });
    expect(canonical).toBe(fixture.canonical);
  });
});

describe('goJson edge cases (Go 1.19 rules)', () => {
  it('sorts keys by UTF-8 bytes, not UTF-16 code units', () => {
    // UTF-16 puts U+1F600 (a surrogate pair, 0xD83D…) before U+FFFF; UTF-8 (F0… vs EF…) after it.
    expect(goJson({ '😀': 1, '\uffff': 2, Z: 3, a: 4, é: 5, '10': 6, '9': 7 })).toBe('{"10":6,"9":7,"Z":3,"a":4,"é":5,"\uffff":2,"😀":1}');
  });

  it('escapes < > & and U+2028/U+2029, control characters as \\u00XX, leaves DEL alone', () => {
    expect(goJson('<a href="x">&</a>')).toBe('"\\u003ca href=\\"x\\"\\u003e\\u0026\\u003c/a\\u003e"');
    expect(goJson('a\u2028b\u2029c')).toBe('"a\\u2028b\\u2029c"');
    expect(goJson('\u0000\b\f\n\r\t\u001f\u007f\\')).toBe('"\\u0000\\u0008\\u000c\\n\\r\\t\\u001f\u007f\\\\"');
  });

  it('replaces lone surrogates by U+FFFD, in values and keys, keeping pairs', () => {
    expect(goJson('\ud800x\udfff\ud83d\ude00')).toBe('"\ufffdx\ufffd😀"');
    // Two keys that Go decodes to the same U+FFFD key: the later one wins, as in Go's map.
    expect(goJson({ '\ud800': 1, '\udc00': 2 })).toBe('{"\ufffd":2}');
  });

  it('formats numbers as Go formats a float64', () => {
    const cases: Array<[number, string]> = [
      [0, '0'],
      [-0, '-0'],
      [1e21, '1e+21'],
      [1e20, '100000000000000000000'],
      [1e-7, '1e-7'],
      [1e-6, '0.000001'],
      [1.5e-7, '1.5e-7'],
      [201409021000, '201409021000'],
      [12345678901234567890, '12345678901234567000'],
      [1.7976931348623157e308, '1.7976931348623157e+308'],
      [5e-324, '5e-324'],
      [0.1 + 0.2, '0.30000000000000004'],
    ];
    for (const [value, go] of cases) expect(goJson(value)).toBe(go);
  });

  it('refuses what JSON cannot hold', () => {
    expect(() => goJson(Infinity)).toThrow('Infinity is not a JSON number');
    expect(() => goJson(() => 1)).toThrow('a function is not a JSON value');
  });

  it('writes is_compressed and want_compressed after the parameters, only when true (Go\'s omitempty)', () => {
    expect(
      goOperationsJson([
        { module: 'file', parameters: 'H4sI', isCompressed: true, wantCompressed: true },
        { module: 'ping', parameters: 'H4sI', isCompressed: true },
        { module: 'netstat', parameters: null, wantCompressed: true },
        { module: 'memory', parameters: { a: 1 }, isCompressed: false, wantCompressed: false },
      ]),
    ).toBe(
      '[{"module":"file","parameters":"H4sI","is_compressed":true,"want_compressed":true},' +
        '{"module":"ping","parameters":"H4sI","is_compressed":true},' +
        '{"module":"netstat","parameters":null,"want_compressed":true},' +
        '{"module":"memory","parameters":{"a":1}}]',
    );
  });

  it('writes operations with MIG\'s field names and null parameters when there are none', () => {
    expect(goOperationsJson([{ module: 'file', parameters: undefined }, { module: 'netstat', parameters: { b: [1], a: '&' } }])).toBe(
      '[{"module":"file","parameters":null},{"module":"netstat","parameters":{"a":"\\u0026","b":[1]}}]',
    );
  });
});

describe('actionCanonicalString', () => {
  it('keeps Go\'s %!s(int64=N) quirk and whole seconds, name and target raw', () => {
    const canonical = actionCanonicalString({
      name: 'a<b',
      target: "name = 'x&y'",
      validfrom: new Date('2014-09-02T10:00:00.900Z'),
      expireafter: new Date('2014-09-02T11:00:00Z'),
      operations: [{ module: 'ping', parameters: { destination: '127.0.0.1' } }],
    });
    expect(canonical).toBe(
      'name=a<b;target=name = \'x&y\';validfrom=1409652000;expireafter=%!s(int64=1409655600);operations=[{"module":"ping","parameters":{"destination":"127.0.0.1"}}];',
    );
  });
});
