// A jest reporter that writes the run's counts to .test-results/<project root>.json, so that
// print-test-summary.js can close `npm test` with one line for the whole workspace. Nx caches
// the file with the test target, so a cached project still counts.
const { mkdirSync, writeFileSync } = require('node:fs');
const { dirname, join, relative } = require('node:path');

const WORKSPACE = join(__dirname, '..');

class JestCountReporter {
  constructor(globalConfig) {
    this.resultFile = join(WORKSPACE, '.test-results', `${relative(WORKSPACE, globalConfig.rootDir) || 'workspace'}.json`);
  }

  onRunComplete(_contexts, results) {
    mkdirSync(dirname(this.resultFile), { recursive: true });
    const counts = { passed: results.numPassedTests, failed: results.numFailedTests + results.numRuntimeErrorTestSuites, skipped: results.numPendingTests };
    writeFileSync(this.resultFile, JSON.stringify(counts) + '\n');
  }
}

module.exports = JestCountReporter;
