// Spread into a project's jest config to give its tests a real PostgreSQL (see README.md).
const { join } = require('node:path');
module.exports = {
  globalSetup: join(__dirname, 'dist/global-setup.js'),
  globalTeardown: join(__dirname, 'dist/global-teardown.js'),
};
