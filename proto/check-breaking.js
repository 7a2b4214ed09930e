// `buf breaking` for the v1 contract, run by `nx run proto:lint` (so by `npm test`). Two comparisons:
//
// 1. Against the committed baseline image of v1 (baseline/mig-data-v1.image.json): always made,
//    whatever git history the checkout has. It holds the contract Go, Python and TypeScript
//    callers were promised; a change it refuses breaks them. Regenerate it only on purpose, with
//    `npx nx run proto:update-baseline`, and review its diff like any contract change.
// 2. Against the previous commit: the merge-base with main when HEAD is on another branch, else
//    HEAD when proto/ has uncommitted changes (a merge being resolved), else HEAD~1 (main's
//    previous commit). It catches a field added and then changed or removed before the baseline
//    was regenerated. A clone without that commit (shallow, or a single commit) says
//    so on stderr and relies on comparison 1; it never passes silently.
//
// Usage: node proto/check-breaking.js [--input DIR] [--repo DIR] [--update-baseline]
//   --input  the proto module to check (default: this folder); tests point it at an edited copy.
//   --repo   the git repository whose history gives the previous commit (default: this one).
// Exit code 0 when both comparisons pass (or the second could not be made for lack of history),
// 1 when one fails or buf could not compare.
const { spawnSync } = require('node:child_process');
const { writeFileSync } = require('node:fs');
const { join, relative, resolve } = require('node:path');

const PROTO_DIR = __dirname;
const BASELINE = join(PROTO_DIR, 'baseline', 'mig-data-v1.image.json');
const UPDATE_COMMAND = 'npx nx run proto:update-baseline';
const BUF = require.resolve('@bufbuild/buf/bin/buf');

function main(argv) {
  const options = parseArguments(argv);
  if (options.updateBaseline) return updateBaseline(options.input);
  let failed = false;

  const baseline = buf(['breaking', options.input, '--against', BASELINE]);
  if (baseline.status === 0) {
    console.log(`buf breaking: no breaking change against the committed v1 baseline (${relative(process.cwd(), BASELINE) || BASELINE})`);
  } else if (!isBreakingVerdict(baseline, 'the committed v1 baseline')) {
    failed = true;
  } else {
    failed = true;
    report(baseline);
    console.error(
      'buf breaking: the change above breaks callers of mig.data.v1 generated from the committed baseline (proto/README.md, "Versioning").\n' +
        `  Make it additive instead (a new field, RPC or message), or add mig.data.v2. Only if v1 truly must change: ${UPDATE_COMMAND}, and say why in the commit.`,
    );
  }

  const previous = previousCommit(options.repo);
  if (previous.ref === undefined) {
    console.error(`buf breaking: NOT compared with the previous commit: ${previous.why}. Only the committed baseline was checked.`);
  } else if (!existsInCommit(options.repo, previous.ref, 'proto/buf.yaml')) {
    console.error(`buf breaking: NOT compared with ${previous.description} (${short(previous.ref)}): it has no proto/buf.yaml. Only the committed baseline was checked.`);
  } else {
    const gitInput = `${join(options.repo, '.git')}#ref=${previous.ref},subdir=proto`;
    const againstPrevious = buf(['breaking', options.input, '--against', gitInput]);
    if (againstPrevious.status === 0) {
      console.log(`buf breaking: no breaking change against ${previous.description} (${short(previous.ref)})`);
    } else if (!isBreakingVerdict(againstPrevious, `${previous.description} (${short(previous.ref)})`)) {
      failed = true;
    } else {
      failed = true;
      report(againstPrevious);
      console.error(`buf breaking: the change above breaks the contract of ${previous.description} (${short(previous.ref)}).`);
    }
  }
  return failed ? 1 : 0;
}

function parseArguments(argv) {
  const options = { input: PROTO_DIR, repo: resolve(PROTO_DIR, '..'), updateBaseline: false };
  for (let index = 0; index < argv.length; index += 1) {
    const argument = argv[index];
    if (argument === '--update-baseline') options.updateBaseline = true;
    else if (argument === '--input' && argv[index + 1]) options.input = resolve(argv[(index += 1)]);
    else if (argument === '--repo' && argv[index + 1]) options.repo = resolve(argv[(index += 1)]);
    else throw new Error(`unknown argument ${argument}; usage: node proto/check-breaking.js [--input DIR] [--repo DIR] [--update-baseline]`);
  }
  return options;
}

/** Writes the baseline from the module as it is now: indented JSON, so its diff shows what changed. */
function updateBaseline(input) {
  const built = buf(['build', input, '--exclude-source-info', '-o', '-#format=json']);
  if (built.status !== 0) {
    report(built);
    return 1;
  }
  writeFileSync(BASELINE, JSON.stringify(JSON.parse(built.stdout), null, 1) + '\n');
  console.log(`wrote ${relative(process.cwd(), BASELINE)}: the v1 contract later changes are checked against`);
  return 0;
}

/**
 * The commit this one's contract must stay compatible with: the merge-base with main on a branch,
 * else the first parent (on main, its previous commit).
 */
function previousCommit(repo) {
  if (git(repo, ['rev-parse', '--is-inside-work-tree']).status !== 0) return { why: `${repo} is not a git checkout` };
  const head = revParse(repo, 'HEAD');
  if (head === undefined) return { why: 'the repository has no commit yet' };
  for (const main of ['main', 'origin/main', 'refs/remotes/origin/HEAD']) {
    const mainCommit = revParse(repo, main);
    if (mainCommit === undefined || mainCommit === head) continue;
    const base = git(repo, ['merge-base', 'HEAD', main]);
    const baseCommit = base.stdout.trim();
    if (base.status === 0 && baseCommit !== '' && baseCommit !== head) return { ref: baseCommit, description: `the merge-base with ${main}` };
  }
  // Uncommitted proto changes (a merge being resolved, work in progress) are the change to check:
  // HEAD is then the previous contract, not HEAD~1.
  if (protoChangedSince(repo, 'HEAD')) return { ref: head, description: 'HEAD (the proto folder has uncommitted changes)' };
  const parent = revParse(repo, 'HEAD~1');
  if (parent !== undefined) return { ref: parent, description: 'the previous commit (HEAD~1)' };
  const shallow = git(repo, ['rev-parse', '--is-shallow-repository']).stdout.trim() === 'true';
  return {
    why: shallow
      ? 'the clone is shallow and holds no parent of HEAD (fetch with --depth 2 or more, or fetch-depth: 0, to compare)'
      : 'HEAD is the repository\'s first commit',
  };
}

function protoChangedSince(repo, ref) {
  const changed = git(repo, ['diff', '--quiet', ref, '--', 'proto']).status !== 0;
  return changed || git(repo, ['ls-files', '--others', '--exclude-standard', '--', 'proto']).stdout.trim() !== '';
}

function revParse(repo, ref) {
  const result = git(repo, ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`]);
  return result.status === 0 ? result.stdout.trim() : undefined;
}

function existsInCommit(repo, ref, path) {
  return git(repo, ['cat-file', '-e', `${ref}:${path}`]).status === 0;
}

function git(repo, args) {
  return spawnSync('git', args, { cwd: repo, encoding: 'utf8' });
}

function buf(args) {
  return spawnSync(BUF, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
}

/** buf exits 100 when it found breaking changes; anything else means it could not compare at all. */
const BUF_FOUND_PROBLEMS = 100;

function isBreakingVerdict(result, against) {
  if (result.status === BUF_FOUND_PROBLEMS) return true;
  report(result);
  console.error(`buf breaking: could not compare with ${against} (exit ${result.status ?? result.signal}); see above.`);
  return false;
}

function report(result) {
  if (result.error) console.error(`buf could not run: ${result.error.message}`);
  process.stderr.write(result.stdout);
  process.stderr.write(result.stderr);
}

function short(commit) {
  return commit.slice(0, 12);
}

module.exports = { BASELINE, UPDATE_COMMAND };

if (require.main === module) {
  try {
    process.exitCode = main(process.argv.slice(2));
  } catch (error) {
    console.error(error.message);
    process.exitCode = 2;
  }
}
