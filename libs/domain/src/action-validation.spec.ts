import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseActionFile } from './action-file';
import { validateAction } from './action-validation';
import type { Action } from './action';
import { InvalidArgumentError } from './errors';

const now = new Date('2026-11-28T12:00:00Z');
const valid = (): Action => ({
  name: 'find fusermount',
  target: "queueloc LIKE 'linux.%'",
  validfrom: new Date('2026-11-28T11:00:00Z'),
  expireafter: new Date('2026-11-28T13:00:00Z'),
  operations: [{ module: 'file', parameters: {} }],
  pgpsignatures: ['c2lnbmF0dXJl'],
  syntaxversion: 2,
});

function refusal(action: Action): string {
  try {
    validateAction(action, now);
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidArgumentError);
    return (error as InvalidArgumentError).field;
  }
  throw new Error('accepted');
}

describe('validateAction', () => {
  it('accepts a complete action', () => {
    expect(() => validateAction(valid(), now)).not.toThrow();
  });

  it.each<[string, (a: Action) => void]>([
    ['action.name', (a) => (a.name = ' ')],
    ['action.target', (a) => (a.target = '')],
    ['action.syntaxversion', (a) => (a.syntaxversion = 1)],
    ['action.validfrom', (a) => (a.validfrom = new Date('2026-11-28T14:00:00Z'))],
    ['action.validfrom', (a) => (a.validfrom = new Date(NaN))],
    ['action.expireafter', (a) => (a.expireafter = new Date('2026-11-28T11:30:00Z'))],
    ['action.operations', (a) => (a.operations = [])],
    ['action.operations[0].module', (a) => (a.operations = [{ module: '', parameters: null }])],
    ['action.pgpsignatures', (a) => (a.pgpsignatures = [])],
    ['action.id', (a) => (a.id = 2 ** 53)],
    ['action.target', (a) => (a.target = 'x'.repeat(2049))],
    ['action.name', (a) => (a.name = 'nul\u0000byte')],
    ['action.pgpsignatures[0]', (a) => (a.pgpsignatures = ['s'.repeat(4097)])],
  ])('names %s when it breaks a rule', (field, breakIt) => {
    const action = valid();
    breakIt(action);
    expect(refusal(action)).toBe(field);
  });
});

describe('parseActionFile', () => {
  const corpus = join(__dirname, '../../../testdata/mig-actions');

  it('reads every real MIG action file, with operations and a target', () => {
    const files = readdirSync(corpus).filter((name) => name.endsWith('.json'));
    expect(files.length).toBeGreaterThanOrEqual(20);
    for (const file of files) {
      const action = parseActionFile(readFileSync(join(corpus, file), 'utf8'));
      expect(action.name).not.toBe('');
      expect(action.target).not.toBe('');
      expect(action.syntaxversion).toBe(2);
      expect(action.operations.length).toBeGreaterThan(0);
      action.operations.forEach((operation) => expect(operation.module).not.toBe(''));
    }
  });

  it('matches keys the way Go does: "Module" and "Parameters" fill module and parameters', () => {
    const action = parseActionFile(readFileSync(join(corpus, 'upgrade.json'), 'utf8'));
    expect(action.name).toBe('Upgrade a specific agent');
    expect(action.operations[0].module).toBe('upgrade');
    expect(action.operations[0].parameters).toHaveProperty(['linux/amd64', 'to_version']);
    expect(action.description?.revision).toBe(201408261000);
  });

  it("treats Go's zero time as unset and refuses malformed values naming the field", () => {
    const action = parseActionFile({ name: 'x', target: 't', validfrom: '0001-01-01T00:00:00Z', operations: [], syntaxversion: 2 });
    expect(action.validfrom).toBeUndefined();
    expect(() => parseActionFile({ name: 3 })).toThrow('action.name');
    expect(() => parseActionFile('{not json')).toThrow('not valid JSON');
  });

  it('refuses nested values of a type Go cannot decode into its struct, and ids that are not whole numbers below 2^53', () => {
    expect(() => parseActionFile({ description: { revision: '201409021000' } })).toThrow('action.description.revision: must be a number');
    expect(() => parseActionFile({ threat: { family: ['malware'] } })).toThrow('action.threat.family: must be a string');
    expect(() => parseActionFile({ counters: { done: true } })).toThrow('action.counters.done: must be a number');
    expect(() => parseActionFile({ syntaxversion: '2' })).toThrow('action.syntaxversion: must be a number');
    expect(() => parseActionFile({ id: 2 ** 53 })).toThrow('action.id: 9007199254740992 is not a whole number below 2^53');
    expect(parseActionFile({ id: 2 ** 53 - 1, description: { revision: 201409021000, author: null } }).description).toEqual({ revision: 201409021000 });
  });
});
