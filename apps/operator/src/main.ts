#!/usr/bin/env node
import { connectDataService, readTlsFiles, commandFailureExitCode, type ConnectOptions, type DataServiceClients } from '@mig-data/client';
import { OPERATOR_COMMANDS } from './commands';
import type { OperatorCommand } from './operator-command';

const GLOBAL_USAGE = `Usage: mig-operator [--address HOST:PORT] [--ca FILE [--cert FILE --key FILE]] [--json] <command> [options]
Talks to the MIG data service at --address (default: $MIG_DATA_ADDRESS or 127.0.0.1:50051).
Over TLS with --ca (the CA of the service's certificate, default $MIG_DATA_CA); with mutual TLS, as the
caller whose client certificate and key are --cert and --key (default $MIG_DATA_CERT, $MIG_DATA_KEY),
PEM files; the certificate's role (subject OU) decides what the service lets this command do.

Commands:
${OPERATOR_COMMANDS.map((command) => `  ${command.name.padEnd(22)} ${command.summary}`).join('\n')}
  help [command]         show this, or one command's usage`;

/** Runs one command line; returns the exit code (0 ok, 1 refused by the service, 2 bad usage). */
export async function runOperator(argv: string[], out: (text: string) => void, err: (text: string) => void, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  let address = env.MIG_DATA_ADDRESS || '127.0.0.1:50051';
  let json = false;
  const tlsFiles = { ca: env.MIG_DATA_CA || undefined, cert: env.MIG_DATA_CERT || undefined, key: env.MIG_DATA_KEY || undefined };
  const rest = [...argv];
  while (rest[0]?.startsWith('--')) {
    const flag = rest.shift()!;
    if (flag === '--json') json = true;
    else if (flag === '--address' && rest.length > 0) address = rest.shift()!;
    else if (flag.startsWith('--address=')) address = flag.slice('--address='.length);
    else if (/^--(ca|cert|key)$/.test(flag) && rest.length > 0) tlsFiles[flag.slice(2) as keyof typeof tlsFiles] = rest.shift()!;
    else if (/^--(ca|cert|key)=/.test(flag)) tlsFiles[flag.slice(2, flag.indexOf('=')) as keyof typeof tlsFiles] = flag.slice(flag.indexOf('=') + 1);
    else if (flag === '--help') rest.unshift('help');
    else {
      err(`unknown option ${flag}\n${GLOBAL_USAGE}`);
      return 2;
    }
  }
  let tls: ConnectOptions['tls'];
  try {
    tls = readTlsFiles(tlsFiles);
  } catch (error) {
    err(`${(error as Error).message}\n${GLOBAL_USAGE}`);
    return 2;
  }
  if (rest.length === 0 || rest[0] === 'help') {
    const command = rest.length > 1 ? findCommand(rest.slice(1))?.command : undefined;
    out(command ? `${command.usage}\n${command.summary}` : GLOBAL_USAGE);
    return 0;
  }
  const found = findCommand(rest);
  if (!found) {
    err(`unknown command "${rest[0]}${rest[1] && !rest[1].startsWith('-') ? ` ${rest[1]}` : ''}"\n${GLOBAL_USAGE}`);
    return 2;
  }
  const { command, args } = found;
  if (args.includes('--json')) {
    json = true;
    args.splice(args.indexOf('--json'), 1);
  }
  let clients: DataServiceClients | undefined;
  try {
    await command.run({ args, json, out, clients: () => (clients ??= connectDataService(address, { tls })) });
    return 0;
  } catch (error) {
    return commandFailureExitCode(error, command, address, Boolean(tls), err);
  } finally {
    clients?.close();
  }
}

/** The command whose name (one word, or two as in "action create") starts `words`, and the words after it. */
function findCommand(words: string[]): { command: OperatorCommand; args: string[] } | undefined {
  for (const command of OPERATOR_COMMANDS) {
    const nameWords = command.name.split(' ');
    if (nameWords.every((word, index) => words[index] === word)) return { command, args: words.slice(nameWords.length) };
  }
  return undefined;
}

/** The program: this process's arguments, stdout and stderr, and its exit code. */
export function main(): void {
  runOperator(process.argv.slice(2), (text) => process.stdout.write(text + '\n'), (text) => process.stderr.write(text + '\n')).then((code) => {
    process.exitCode = code;
  });
}

if (require.main === module) main();
