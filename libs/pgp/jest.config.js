module.exports = { ...require('../../jest.preset.js'), displayName: 'pgp', rootDir: __dirname };
