import { runOperator } from '../src/main';
import { renderTable } from '../src/output/table';

async function run(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runOperator(argv, (text) => out.push(text), (text) => err.push(text), {});
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('mig-operator command line', () => {
  it('lists its commands on help and exits 0', async () => {
    const { code, out } = await run('help');
    expect(code).toBe(0);
    expect(out).toContain('agents');
  });

  it('refuses an unknown command or option with exit code 2 and the usage', async () => {
    expect(await run('frobnicate')).toMatchObject({ code: 2, err: expect.stringContaining('unknown command "frobnicate"') });
    expect(await run('--colour', 'agents')).toMatchObject({ code: 2, err: expect.stringContaining('unknown option --colour') });
    expect(await run('agents', '--limit', 'many')).toMatchObject({ code: 2, err: expect.stringContaining('usage: mig-operator agents') });
  });

  it('says plainly when the service cannot be reached, exit 1', async () => {
    const { code, err } = await run('--address', '127.0.0.1:1', 'agents');
    expect(code).toBe(1);
    expect(err).toContain('cannot reach the data service at 127.0.0.1:1');
  });
});

describe('renderTable', () => {
  it('aligns columns like psql and counts rows', () => {
    expect(renderTable(['count', 'queueloc'], [[3, 'puppet3.private.dc1.example.net'], [2, 'mv1.mv.example.net']])).toBe(
      ['count | queueloc', '------+--------------------------------', '3     | puppet3.private.dc1.example.net', '2     | mv1.mv.example.net', '(2 rows)'].join('\n'),
    );
  });
});
