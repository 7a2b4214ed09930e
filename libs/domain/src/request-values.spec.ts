import { InvalidArgumentError } from './errors';
import { quoteInput } from './quote-input';
import { requireStorableValues } from './request-values';

function refusal(request: unknown): string {
  try {
    requireStorableValues(request);
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidArgumentError);
    return (error as Error).message;
  }
  throw new Error('accepted');
}

describe('requireStorableValues', () => {
  it('names the proto field, array index and JSON key that holds a NUL', () => {
    expect(refusal({ heartbeats: [{}, { environment: { ident: 'a\u0000' } }] })).toMatch(/^heartbeats\[1\]\.environment\.ident: must not contain NUL/);
    expect(refusal({ action: { operations: [{ parameters: { 'Odd Key': ['x', 'y\u0000'] } }] } })).toMatch(/^action\.operations\[0\]\.parameters\["Odd Key"\]\[1\]:/);
    expect(refusal({ filter: { agentName: '\u0000' } })).toMatch(/^filter\.agent_name:/);
    expect(refusal({ tags: { 'k\u0000': 1 } })).toMatch(/^tags\["k\\u0000"\]: must not contain NUL characters \(\\u0000\) in its keys/);
  });

  it('refuses times outside years 1 to 9999, invalid times and non-finite numbers', () => {
    expect(refusal({ since: new Date('+010000-01-01T00:00:00Z') })).toMatch(/^since: must be a time from 0001-01-01/);
    expect(refusal({ since: new Date(NaN) })).toMatch(/^since:/);
    expect(refusal({ description: { revision: Infinity } })).toMatch(/^description\.revision: must be a finite number/);
    expect(() => requireStorableValues({ a: new Date('0001-01-01T00:00:00Z'), b: new Date('9999-12-31T23:59:59.999Z'), c: '\\u0000', d: null, e: undefined })).not.toThrow();
  });

  it('walks deep nesting without overflowing the stack', () => {
    let deep: unknown = 'x\u0000';
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(refusal({ tags: deep })).toMatch(/must not contain NUL/);
  });
});

describe('quoteInput', () => {
  it('quotes short input whole and long input as a prefix with its length', () => {
    expect(quoteInput('online')).toBe('"online"');
    expect(quoteInput('x'.repeat(100_000))).toBe(`"${'x'.repeat(64)}"… (100,000 characters)`);
  });
});
