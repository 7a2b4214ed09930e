// The integration tests run a real data service (apps/data-service) on a real PostgreSQL and a real spool in a temp folder.
module.exports = {
  ...require('../../jest.preset.js'),
  ...require('../../libs/test-database/jest-database.js'),
  displayName: 'spool-app',
  rootDir: __dirname,
  testTimeout: 600000,
};
