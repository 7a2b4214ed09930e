import { runOperator } from '../../src/main';

export interface OperatorRun {
  code: number;
  out: string;
  err: string;
}

/** A function running `mig-operator --address <address> …argv` in-process, capturing what it writes and its exit code. */
export function operatorAt(address: () => string): (...argv: string[]) => Promise<OperatorRun> {
  return async (...argv) => {
    const out: string[] = [];
    const err: string[] = [];
    const code = await runOperator(['--address', address(), ...argv], (text) => out.push(text), (text) => err.push(text), {});
    return { code, out: out.join('\n'), err: err.join('\n') };
  };
}
