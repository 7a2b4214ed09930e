// The smoke test runs the whole harness (built dist, real PostgreSQL, real service process).
module.exports = { ...require('../jest.preset.js'), displayName: 'bench', rootDir: __dirname, testTimeout: 180000 };
