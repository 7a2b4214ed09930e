// The breaking-change check `npm test` runs (proto/check-breaking.js, the proto project's lint):
// a deliberate breaking change to a field fails it and names the field, an additive change
// passes, and a checkout without the previous commit still checks the baseline and says what it
// could not compare.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const PROTO = join(__dirname, '..');
const CHECK = join(PROTO, 'check-breaking.js');
const AGENT_PROTO = join('mig', 'data', 'v1', 'agent.proto');

let scratch: string;
beforeEach(() => {
  scratch = mkdtempSync(join(tmpdir(), 'proto-breaking-'));
});
afterEach(() => rmSync(scratch, { recursive: true, force: true }));

/** A copy of proto/ (the .proto files and buf.yaml only) with agent.proto edited. */
function editedCopy(edit: (agentProto: string) => string, into = join(scratch, 'proto')): string {
  cpSync(PROTO, into, { recursive: true, filter: (source) => !/(^|\/)(baseline|test|node_modules)$/.test(source) });
  const file = join(into, AGENT_PROTO);
  const before = readFileSync(file, 'utf8');
  const after = edit(before);
  expect(after).not.toBe(before);
  writeFileSync(file, after);
  return into;
}

function check(...args: string[]): { code: number | null; output: string } {
  const result = spawnSync(process.execPath, [CHECK, ...args], { encoding: 'utf8' });
  return { code: result.status, output: result.stdout + result.stderr };
}

function git(repo: string, ...args: string[]): void {
  const result = spawnSync('git', ['-c', 'user.name=test', '-c', 'user.email=test@example.net', '-c', 'init.defaultBranch=main', ...args], { cwd: repo, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`git ${args.join(' ')}: ${result.stderr}`);
}

/** A git repository at `repo` whose first commit holds an edited copy of proto/; returns the copy. */
function repositoryWith(repo: string, edit: (agentProto: string) => string): string {
  const input = editedCopy(edit, join(repo, 'proto'));
  git(scratch, 'init', '-q', repo);
  git(repo, 'add', '.');
  git(repo, 'commit', '-q', '-m', 'first');
  return input;
}

const ADD_FIELD = (text: string) => text.replace('  string loadername = 14;\n', '  string loadername = 14;\n  string added_for_the_test = 15;\n');

describe('buf breaking in npm test', () => {
  it('fails a field whose type changes, naming the field', () => {
    const input = editedCopy((text) => text.replace('  int32 pid = 6;', '  int64 pid = 6;'));
    const { code, output } = check('--input', input);
    expect(code).toBe(1);
    expect(output).toMatch(/Field "6" with name "pid" on message "Agent" changed type from "int32" to "int64"/);
    expect(output).toContain('breaks callers of mig.data.v1 generated from the committed baseline');
    expect(output).toContain('npx nx run proto:update-baseline');
  }, 60_000);

  it('fails a field whose number changes', () => {
    const input = editedCopy((text) => text.replace('  string queueloc = 3;', '  string queueloc = 15;'));
    const { code, output } = check('--input', input);
    expect(code).toBe(1);
    expect(output).toMatch(/"queueloc"/);
  }, 60_000);

  it('passes an additive change (a new field)', () => {
    const { code, output } = check('--input', editedCopy(ADD_FIELD));
    expect(output).toContain('no breaking change against the committed v1 baseline');
    expect(code).toBe(0);
  }, 60_000);

  it('with a single commit, still checks the baseline and says that the previous commit was not compared', () => {
    const repo = join(scratch, 'repo');
    const input = repositoryWith(repo, (text) => text.replace('  int32 pid = 6;', '  int64 pid = 6;'));
    const { code, output } = check('--input', input, '--repo', repo);
    expect(output).toContain("NOT compared with the previous commit: HEAD is the repository's first commit");
    expect(output).toContain('changed type from "int32" to "int64"');
    expect(code).toBe(1);
  }, 60_000);

  it('in a shallow clone, says so and how to fetch the previous commit', () => {
    const origin = join(scratch, 'origin');
    repositoryWith(origin, ADD_FIELD);
    git(origin, 'commit', '-q', '--allow-empty', '-m', 'second');
    const clone = join(scratch, 'clone');
    git(scratch, 'clone', '-q', '--depth', '1', `file://${origin}`, clone);
    const { code, output } = check('--input', join(clone, 'proto'), '--repo', clone);
    expect(output).toContain('NOT compared with the previous commit: the clone is shallow');
    expect(output).toContain('no breaking change against the committed v1 baseline');
    expect(code).toBe(0);
  }, 60_000);

  it('compares with HEAD while proto/ has uncommitted changes, then with HEAD~1: a field changed since fails even when the baseline never had it', () => {
    const repo = join(scratch, 'repo');
    repositoryWith(repo, ADD_FIELD);
    const agentProto = join(repo, 'proto', AGENT_PROTO);
    writeFileSync(agentProto, readFileSync(agentProto, 'utf8').replace('string added_for_the_test = 15;', 'int32 added_for_the_test = 15;'));
    const changedField = /"added_for_the_test" on message "Agent" changed type from "string" to "int32"/;

    const uncommitted = check('--input', join(repo, 'proto'), '--repo', repo);
    expect(uncommitted.output).toContain('no breaking change against the committed v1 baseline');
    expect(uncommitted.output).toMatch(changedField);
    expect(uncommitted.output).toContain('breaks the contract of HEAD (the proto folder has uncommitted changes)');
    expect(uncommitted.code).toBe(1);

    git(repo, 'commit', '-q', '-am', 'change its type');
    const committed = check('--input', join(repo, 'proto'), '--repo', repo);
    expect(committed.output).toMatch(changedField);
    expect(committed.output).toContain('breaks the contract of the previous commit (HEAD~1)');
    expect(committed.code).toBe(1);
  }, 60_000);
});
