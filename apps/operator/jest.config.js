// The integration tests run the built data service (apps/data-service/dist) on a real PostgreSQL.
module.exports = {
  ...require('../../jest.preset.js'),
  ...require('../../libs/test-database/jest-database.js'),
  displayName: 'operator',
  rootDir: __dirname,
  testTimeout: 60000,
};
