// Closes `npm test` with one line for every project's jest run together: "tests: N passed, N failed".
const { readdirSync, readFileSync } = require('node:fs');
const { join } = require('node:path');

const directory = join(__dirname, '..', '.test-results');
const total = { passed: 0, failed: 0, skipped: 0 };
for (const file of readdirSync(directory, { recursive: true }).filter((name) => name.endsWith('.json'))) {
  const counts = JSON.parse(readFileSync(join(directory, file), 'utf8'));
  for (const key of Object.keys(total)) total[key] += counts[key] ?? 0;
}
console.log(`tests: ${total.passed} passed, ${total.failed} failed` + (total.skipped ? `, ${total.skipped} skipped` : ''));
process.exitCode = total.failed > 0 || total.passed === 0 ? 1 : 0;
