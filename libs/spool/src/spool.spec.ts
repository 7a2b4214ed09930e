import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  actionFileName,
  commandFileName,
  ensureSpoolLayout,
  listWorkFiles,
  moveFile,
  parseGoDuration,
  parseSchedulerCfg,
  parseWorkFileName,
  placeFiles,
  readSpoolFile,
  resolveSpoolSettings,
  spoolLayout,
  tryLockItem,
  type SpoolLayout,
} from './index';

describe('libs/spool', () => {
  let root: string;
  let layout: SpoolLayout;
  beforeEach(async () => {
    root = mkdtempSync(join(tmpdir(), 'spool-lib-'));
    layout = spoolLayout(join(root, 'spool'));
    await ensureSpoolLayout(layout);
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('creates the layout 0750 and names files both ways', () => {
    expect(readdirSync(join(layout.root, 'action')).sort()).toEqual(['done', 'inflight', 'invalid', 'new']);
    expect(readdirSync(join(layout.root, 'command')).sort()).toEqual(['done', 'inflight', 'invalid', 'ready', 'returned']);
    expect(statSync(layout.command.ready).mode & 0o777).toBe(0o750);
    expect(parseWorkFileName(commandFileName(12, 34))).toEqual({ kind: 'command', actionId: 12, commandId: 34 });
    expect(parseWorkFileName(actionFileName(12))).toEqual({ kind: 'action', actionId: 12 });
    expect(parseWorkFileName('my action.json')).toEqual({ kind: 'unnamed' });
    expect(parseWorkFileName('.12.json')).toBeUndefined();
    expect(parseWorkFileName('12.json.reason.txt')).toBeUndefined();
    expect(() => commandFileName(0, 1)).toThrow('positive integer');
  });

  it('places files 0640 through tmp, lists only work files, moves them once', async () => {
    await placeFiles(layout, layout.command.ready, [
      { name: '1-2.json', content: '{"id":2}' },
      { name: '1-3.json', content: '{"id":3}' },
    ]);
    writeFileSync(join(layout.command.ready, '.1-4.json'), '{}');
    writeFileSync(join(layout.command.ready, 'notes.txt'), '');
    expect(await listWorkFiles(layout.command.ready)).toEqual(['1-2.json', '1-3.json']);
    expect(statSync(join(layout.command.ready, '1-2.json')).mode & 0o777).toBe(0o640);
    expect(readdirSync(layout.tmp).filter((name) => name !== 'locks')).toEqual([]);
    expect(await moveFile(layout.command.ready, layout.command.inflight, '1-2.json')).toBe(true);
    expect(await moveFile(layout.command.ready, layout.command.inflight, '1-2.json')).toBe(false);
    expect(readFileSync(join(layout.command.inflight, '1-2.json'), 'utf8')).toBe('{"id":2}');
  });

  it('reads bad files as values: empty, not JSON, too large, missing', async () => {
    const file = (name: string, content: string) => {
      writeFileSync(join(root, name), content);
      return join(root, name);
    };
    expect(await readSpoolFile(file('a', '{"a":1}'))).toMatchObject({ ok: true, json: { a: 1 } });
    expect(await readSpoolFile(file('b', ' \n'))).toMatchObject({ ok: false, problem: 'empty' });
    expect(await readSpoolFile(file('c', '{"a":'))).toMatchObject({ ok: false, problem: 'not-json' });
    expect(await readSpoolFile(file('d', 'x'.repeat(2000)), 1000)).toMatchObject({ ok: false, problem: 'too-large' });
    expect(await readSpoolFile(join(root, 'nothing'))).toMatchObject({ ok: false, problem: 'missing' });
  });

  it('locks an item once per host, and breaks the lock of a dead process', async () => {
    const first = await tryLockItem(layout, 'action-1');
    expect(first).toBeDefined();
    expect(await tryLockItem(layout, 'action-1')).toBeUndefined();
    await first!.release();
    // A lock left by a process that died (kill -9): its pid no longer runs.
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']).stdout.toString();
    writeFileSync(join(layout.locks, 'action-2.lock'), JSON.stringify({ pid: Number(dead), host: hostname(), started: '1', token: 'old' }));
    const taken = await tryLockItem(layout, 'action-2');
    expect(taken).toBeDefined();
    expect(await taken!.stillHeld()).toBe(true);
    await taken!.release();
    expect(readdirSync(layout.locks)).toEqual([]);
  });

  it('never shows another process a lock file that is not yet written', async () => {
    // A reader that found the lock empty would take it for a dead owner's leftover once it aged,
    // and a breaker could move a live lock aside. Polled once per event-loop turn while locks are
    // taken: created empty and written after, the file was seen empty hundreds of times in 50 rounds.
    const lockFile = join(layout.locks, 'action-3.lock');
    const seen = { empty: 0, whole: 0 };
    for (let round = 0; round < 50; round++) {
      let polling = true;
      const poll = () => {
        const content = (() => {
          try {
            return readFileSync(lockFile, 'utf8');
          } catch {
            return undefined;
          }
        })();
        if (content === '') seen.empty++;
        else if (content !== undefined) seen.whole++;
        if (polling) setImmediate(poll);
      };
      setImmediate(poll);
      const lock = await tryLockItem(layout, 'action-3');
      polling = false;
      await lock!.release();
    }
    expect(seen.empty).toBe(0);
    expect(readdirSync(layout.locks)).toEqual([]);
  });

  it('reads settings with one precedence: flags > environment > scheduler.cfg > defaults', () => {
    const cfg = join(root, 'scheduler.cfg');
    writeFileSync(cfg, '; MIG\n[collector]\n    freq = "2s" ; every two seconds\n[periodic]\n    freq = "87s"\n    deleteafter = "1h30m"\n[directories]\n    spool = "/var/cache/mig/"\n    tmp = "/var/tmp/"\n');
    expect(parseSchedulerCfg(readFileSync(cfg, 'utf8')).collector).toEqual({ freq: '2s' });
    const settings = resolveSpoolSettings({ flags: { '--config': cfg, '--spool': join(root, 'flag-spool') }, env: { MIG_SPOOL_RESCAN: '3s' } });
    expect(settings).toMatchObject({ spool: join(root, 'flag-spool'), tmp: '/var/tmp', rescanMs: 3000, periodicMs: 87_000, deleteAfterMs: 5_400_000 });
    expect(resolveSpoolSettings({ env: {} })).toMatchObject({ rescanMs: 1000, deleteAfterMs: 72 * 3_600_000, address: '127.0.0.1:50051' });
    expect(() => resolveSpoolSettings({ flags: { '--rescan': 'soon' }, env: { MIG_SPOOL_DELETE_AFTER: '3d' } })).toThrow(/--rescan must be[\s\S]*MIG_SPOOL_DELETE_AFTER must be/);
    expect(parseGoDuration('1h30m')).toBe(5_400_000);
    expect(parseGoDuration('500ms')).toBe(500);
  });
});
