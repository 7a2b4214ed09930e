module.exports = {
  ...require('../../jest.preset.js'),
  ...require('../../libs/test-database/jest-database.js'),
  displayName: 'data-service',
  rootDir: __dirname,
  testTimeout: 60000,
};
