// One jest setup for every project: TypeScript through swc (no type-check here: `build` runs tsc),
// unit tests `*.spec.ts` and integration tests `*.integration-spec.ts` side by side.
const { join } = require('node:path');

module.exports = {
  // The count reporter lets `npm test` end with one line for the whole workspace.
  reporters: ['default', join(__dirname, 'tools/jest-count-reporter.js')],
  testEnvironment: 'node',
  transform: {
    '^.+\\.ts$': ['@swc/jest', { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'commonjs' } }],
  },
  moduleFileExtensions: ['ts', 'js', 'json'],
  testMatch: ['<rootDir>/src/**/*.spec.ts', '<rootDir>/src/**/*.integration-spec.ts', '<rootDir>/test/**/*.spec.ts', '<rootDir>/test/**/*.integration-spec.ts'],
};
