// Fails when a file of the repository refers to a path outside it: a clone has nothing beside it,
// so a test, build step or script that reads a folder beside it (any relative path that climbs past
// the repository's root, or an absolute path into another checkout) works here and breaks there.
// Run by `npm test` before anything else; `.ci/run` also hides the repository's neighbours.
const { execFileSync } = require('node:child_process');
const { readFileSync } = require('node:fs');
const { dirname, join, relative, resolve, isAbsolute } = require('node:path');

const root = resolve(__dirname, '..');
const SOURCE = /\.(ts|js|mjs|cjs|json|sh|yaml|yml|go)$|(^|\/)(run|Makefile)$/;
// A string literal (or shell word) that climbs with `../`, and absolute paths that name a sibling checkout.
const CLIMB = /(?:^|[\s'"`(=,])((?:\.\.\/)+[\w.@-][^\s'"`),]*)/g;
const OUTSIDE_ABSOLUTE = /(?:^|[\s'"`(=,])(\/work\/[\w.-]+|\.\.\/shared\b)/g;

const files = execFileSync('git', ['ls-files', '-co', '--exclude-standard'], { cwd: root, encoding: 'utf8' })
  .split('\n')
  .filter((file) => file && SOURCE.test(file) && !file.startsWith('testdata/') && file !== 'package-lock.json');

const problems = [];
for (const file of files) {
  let text;
  try {
    text = readFileSync(join(root, file), 'utf8');
  } catch {
    continue; // deleted in the work tree
  }
  text.split('\n').forEach((line, index) => {
    for (const match of line.matchAll(CLIMB)) {
      const target = match[1];
      // Resolved from the file's own folder and from the root (scripts run there): outside both is outside.
      const fromFile = relative(root, resolve(root, dirname(file), target));
      const fromRoot = relative(root, resolve(root, target));
      if (escapes(fromFile) && escapes(fromRoot)) problems.push(`${file}:${index + 1}: ${target} leads outside the repository`);
    }
    for (const match of line.matchAll(OUTSIDE_ABSOLUTE)) problems.push(`${file}:${index + 1}: ${match[1]} is outside the repository`);
  });
}

function escapes(path) {
  return path.startsWith('..') || isAbsolute(path);
}

if (problems.length > 0) {
  console.error(`self-contained check: ${problems.length} reference(s) outside the repository (copy what is needed in):`);
  for (const problem of problems) console.error(`  ${problem}`);
  process.exit(1);
}
console.log(`self-contained check: ${files.length} files, nothing outside the repository`);
