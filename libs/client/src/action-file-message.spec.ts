import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Action } from '@mig-data/contract';
import { goField } from '@mig-data/domain';
import { actionFileFromMessage, actionMessageFromFile } from './action-file-message';

const CORPUS_DIR = join(__dirname, '../../../testdata/mig-actions');
const CORPUS = readdirSync(CORPUS_DIR).filter((name) => name.endsWith('.json'));

const SIGNED = {
  id: 6023012345,
  name: 'find fusermount',
  target: "queueloc LIKE 'linux.%'",
  description: { author: 'Julien Vehent', email: 'jvehent@mozilla.com', revision: 201409021000 },
  threat: { level: 'alert', family: 'malware' },
  validfrom: '2026-12-01T10:00:00Z',
  expireafter: '2026-12-01T11:00:00Z',
  operations: [
    { module: 'file', parameters: { searches: { s1: { names: ['fusermount'], paths: ['/usr'] } } } },
    { module: 'ping', parameters: 'H4sIAAAAAAAA/6pWSs4vzStRsjLWUUpJLS7JzEssyczPU7JSMrQ00jPQM9IzVKoFBAAA///1WytmJQAAAA==', is_compressed: true, want_compressed: true },
  ],
  pgpsignatures: ['wsBcBAABCAAQBQJUcDdtCRBLt3C3e4m9eQAAqg0IAH'],
  starttime: '0001-01-01T00:00:00Z',
  status: '',
  syntaxversion: 2,
};

describe('actionMessageFromFile: a MIG action file as the Action message CreateAction takes', () => {
  it.each(CORPUS)('converts %s, and the message encodes and decodes on the wire unchanged', (name) => {
    const text = readFileSync(join(CORPUS_DIR, name), 'utf8');
    const message = actionMessageFromFile(text);
    const document = JSON.parse(text);
    expect(message.name).toBe(goField(document, 'name'));
    expect(message.target).toBe(goField(document, 'target'));
    expect(message.syntaxversion).toBe(2);
    expect(message.operations.length).toBeGreaterThan(0);
    message.operations.forEach((operation) => expect(operation.module).not.toBe(''));
    expect(Action.decode(Action.encode(message).finish())).toEqual(message);
  });

  it('carries every field of a signed file: its id, times, signatures, and operations exactly as signed (compression flags only when true)', () => {
    const message = actionMessageFromFile(JSON.stringify(SIGNED));
    expect(message).toEqual({
      id: 6023012345,
      name: 'find fusermount',
      target: "queueloc LIKE 'linux.%'",
      description: { author: 'Julien Vehent', email: 'jvehent@mozilla.com', url: '', revision: 201409021000 },
      threat: { ref: '', level: 'alert', family: 'malware', type: '' },
      validfrom: new Date('2026-12-01T10:00:00Z'),
      expireafter: new Date('2026-12-01T11:00:00Z'),
      operations: [SIGNED.operations[0], { module: 'ping', parameters: SIGNED.operations[1].parameters, isCompressed: true, wantCompressed: true }],
      pgpsignatures: SIGNED.pgpsignatures,
      starttime: undefined,
      finishtime: undefined,
      lastupdatetime: undefined,
      status: '',
      syntaxversion: 2,
      counters: undefined,
      investigators: [],
    });
    expect(Object.keys(message.operations[0])).toEqual(['module', 'parameters']);
  });

  it('takes the parsed JSON as well as the text, and leaves id 0 for the service to assign when the file has none', () => {
    const { id: _id, ...withoutId } = SIGNED;
    expect(actionMessageFromFile(withoutId).id).toBe(0);
    expect(actionMessageFromFile({ ...SIGNED, id: 0 }).id).toBe(0);
  });

  it('reads keys as Go does (upgrade.json spells "Module" and "Parameters")', () => {
    const message = actionMessageFromFile(readFileSync(join(CORPUS_DIR, 'upgrade.json'), 'utf8'));
    expect(message.operations[0].module).toBe('upgrade');
    expect(message.operations[0].parameters).toHaveProperty(['linux/amd64', 'to_version']);
  });

  it('fills the counters a file written by the spool leaves out', () => {
    expect(actionMessageFromFile({ ...SIGNED, status: 'completed', counters: { sent: 3, done: 3, success: 3 } }).counters).toEqual({ sent: 3, done: 3, inflight: 0, success: 3, cancelled: 0, expired: 0, failed: 0, timeout: 0 });
  });

  it.each([
    ['action: is not valid JSON', '{"name": "x",'],
    ['action: must be a JSON object', '[]'],
    ['action.id: must be a number', JSON.stringify({ ...SIGNED, id: '12' })],
    ['action.id: 1.5 is not a whole number below 2^53', JSON.stringify({ ...SIGNED, id: 1.5 })],
    ['action.id: 9007199254740992 is not a whole number below 2^53', JSON.stringify({ ...SIGNED, id: 2 ** 53 })],
    ['action.name: must be a string', JSON.stringify({ ...SIGNED, name: 3 })],
    ['action.description.revision: must be a number', JSON.stringify({ ...SIGNED, description: { revision: '201409021000' } })],
    ['action.threat.level: must be a string', JSON.stringify({ ...SIGNED, threat: { level: 5 } })],
    ['action.threat: must be an object', JSON.stringify({ ...SIGNED, threat: 'alert' })],
    ['action.validfrom: "tomorrow" is not an RFC 3339 time', JSON.stringify({ ...SIGNED, validfrom: 'tomorrow' })],
    ['action.operations: must be an array', JSON.stringify({ ...SIGNED, operations: {} })],
    ['action.operations[0].module: must be a string', JSON.stringify({ ...SIGNED, operations: [{ module: 7 }] })],
    ['action.operations[1].is_compressed: must be true or false', JSON.stringify({ ...SIGNED, operations: [SIGNED.operations[0], { module: 'ping', is_compressed: 'yes' }] })],
    ['action.pgpsignatures: must be an array of strings', JSON.stringify({ ...SIGNED, pgpsignatures: [1] })],
    ['action.syntaxversion: must be a number', JSON.stringify({ ...SIGNED, syntaxversion: '2' })],
    ['action.status: unknown status "running"', JSON.stringify({ ...SIGNED, status: 'running' })],
    ['action.counters.sent: must be a number', JSON.stringify({ ...SIGNED, counters: { sent: 'many' } })],
  ])('refuses bad input naming the field: %s', (message, text) => {
    expect(() => actionMessageFromFile(text)).toThrow(message);
  });
});

describe('actionFileFromMessage: an Action message written as a MIG action file', () => {
  // MIG's Go structs write an absent description or threat with every field empty.
  it.each(CORPUS)('gives %s back field for field', (name) => {
    const message = actionMessageFromFile(readFileSync(join(CORPUS_DIR, name), 'utf8'));
    const written = actionFileFromMessage(message);
    expect(actionMessageFromFile(written)).toEqual({
      ...message,
      description: message.description ?? { author: '', email: '', url: '', revision: 0 },
      threat: message.threat ?? { ref: '', level: '', family: '', type: '' },
    });
    expect(actionFileFromMessage(actionMessageFromFile(written))).toBe(written);
  });

  it("writes MIG's keys, Go's zero time for unset times, and a stored action's id, status and counters", () => {
    const message = actionMessageFromFile({ ...SIGNED, status: 'inflight', counters: { sent: 2, inflight: 2 } });
    const file = JSON.parse(actionFileFromMessage({ ...message, investigators: [{ id: 1, name: 'Bob', pgpfingerprint: 'AB', status: 'active' }] }));
    expect(file).toMatchObject({ id: 6023012345, status: 'inflight', starttime: '0001-01-01T00:00:00Z', validfrom: '2026-12-01T10:00:00Z', counters: { sent: 2, inflight: 2, done: 0 } });
    expect(file.operations[1]).toEqual(SIGNED.operations[1]);
    expect(file).not.toHaveProperty('investigators');
  });
});
