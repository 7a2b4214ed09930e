// One jest setup for every project: TypeScript through swc (no type-check here: `build` runs tsc),
// unit tests `*.spec.ts` and integration tests `*.integration-spec.ts` side by side.
module.exports = {
  testEnvironment: 'node',
  transform: {
    '^.+\\.ts$': ['@swc/jest', { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'commonjs' } }],
  },
  moduleFileExtensions: ['ts', 'js', 'json'],
  testMatch: ['<rootDir>/src/**/*.spec.ts', '<rootDir>/src/**/*.integration-spec.ts', '<rootDir>/test/**/*.spec.ts', '<rootDir>/test/**/*.integration-spec.ts'],
};
