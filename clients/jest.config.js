module.exports = {
  ...require('../jest.preset.js'),
  ...require('../libs/test-database/jest-database.js'),
  displayName: 'clients',
  rootDir: __dirname,
  // The Go and Python programs run against the built service; the first Go build is in build-go.
  testTimeout: 120000,
};
