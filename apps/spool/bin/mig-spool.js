#!/usr/bin/env node
// The installed command. npm links it at install time, before anything is built, so it lives
// outside dist/ and loads the compiled program from there.
let program;
try {
  program = require('../dist/main.js');
} catch (error) {
  if (error.code !== 'MODULE_NOT_FOUND') throw error;
  console.error('mig-spool is not built yet: run `npm start` or `npx nx run spool-app:build` first');
  process.exit(2);
}
program.main();
