#!/usr/bin/env node
// `npm start`: the data service and the spool daemon beside it, as one command for a first run.
// The service starts first (embedded PostgreSQL unless DATABASE_URL is set); once it prints the
// address it listens on, `mig-spool run` starts against that address with the spool in
// .mig-data/spool (or MIG_SPOOL_DIR / --config scheduler.cfg, as mig-spool reads them).
// Both write their log lines to this terminal; Ctrl-C (or SIGTERM) stops both, and when one
// exits the other is stopped too, so nothing runs half.
const { spawn } = require('node:child_process');
const { join } = require('node:path');

const root = join(__dirname, '..');
const children = [];
let stopping = false;

function stopAll(code) {
  if (stopping) return;
  stopping = true;
  process.exitCode = code;
  for (const child of children) if (child.exitCode === null) child.kill('SIGTERM');
}

function start(name, args, env, onStderr) {
  const child = spawn(process.execPath, args, { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'inherit', 'pipe'] });
  child.stderr.on('data', (chunk) => {
    process.stderr.write(chunk);
    onStderr?.(chunk.toString('utf8'));
  });
  child.on('exit', (code, signal) => {
    if (!stopping) console.error(`${name} exited (${signal ?? code}); stopping the rest`);
    stopAll(code ?? 1);
  });
  children.push(child);
  return child;
}

let seen = '';
start('the data service', [join(root, 'apps/data-service/dist/main.js')], {}, (text) => {
  seen += text;
  const listening = /mig-data service listening on (\S+)/.exec(seen);
  if (!listening || children.length > 1 || stopping) return;
  seen = '';
  start('mig-spool', [join(root, 'apps/spool/dist/main.js'), 'run'], { MIG_DATA_ADDRESS: process.env.MIG_DATA_ADDRESS || listening[1] });
});

for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => stopAll(0));
