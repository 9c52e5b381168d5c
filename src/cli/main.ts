import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Command, CommanderError } from 'commander';
import { type Environment, readSettings } from '../config/index.js';
import { EngineError, toEngineError } from '../core/index.js';
import { createLogger } from '../logging/index.js';
import { useFfmpeg } from '../video/index.js';
import { useCliSettings } from './cli-settings.js';
import { actionsCommand } from './commands/actions-command.js';
import { bankCommand } from './commands/bank-command.js';
import { chatsCommand } from './commands/chats-command.js';
import { demoCommand } from './commands/demo-command.js';
import { engineCommands } from './commands/engine-commands.js';
import { evidenceCommand } from './commands/evidence-command.js';
import { exchangeCommand } from './commands/exchange-command.js';
import { hashCommand } from './commands/hash-command.js';
import { keysCommand } from './commands/keys-command.js';
import { lexiconsCommand } from './commands/lexicons-command.js';
import { matchCommand } from './commands/match-command.js';
import { paymentsCommand } from './commands/payments-command.js';
import { peopleCommand } from './commands/people-command.js';
import { reportsCommand } from './commands/reports-command.js';
import { reportsCheckCommand, reportsSubmitCommand } from './commands/reports-submit-command.js';
import { serveCommand } from './commands/serve-command.js';
import { simulateCommand } from './commands/simulate-command.js';
import { watchCommand } from './commands/watch-command.js';
import { workerCommand } from './commands/worker-command.js';
import { type CliIo, endQuietlyOnClosedPipe, processIo } from './io.js';

/** Exit statuses: 0 success, 1 an input or operation failed, 2 the command line itself was wrong. */
export const usageExitCode = 2;

/**
 * Builds the `prevail` command-line program writing to `io`. Every command resolves its exit
 * status through `setExitCode`; nothing here calls `process.exit`, so tests run it in-process.
 */
export function buildProgram(io: CliIo, setExitCode: (code: number) => void): Command {
  const program = new Command('prevail')
    .description(
      'Prevail finds and stops online child sexual exploitation: media hash matching, live streams,\n' +
        'payments and chat signals in one engine. Run "prevail help <command>" for details.',
    )
    .version('0.1.0')
    .showHelpAfterError('(run with --help for usage)')
    .configureOutput({
      writeOut: (text) => io.stdout.write(text),
      writeErr: (text) => io.stderr.write(text),
    })
    .exitOverride();
  for (const command of [
    hashCommand(io, setExitCode),
    matchCommand(io, setExitCode),
    bankCommand(io, setExitCode),
    serveCommand(io),
    workerCommand(io),
    demoCommand(io),
    keysCommand(io),
    peopleCommand(io),
    ...engineCommands(io, setExitCode),
    paymentsCommand(io, setExitCode),
    chatsCommand(io, setExitCode),
    reportsCommand(io, setExitCode)
      .addCommand(reportsCheckCommand(io, setExitCode))
      .addCommand(reportsSubmitCommand(io, setExitCode)),
    simulateCommand(io, setExitCode),
    watchCommand(io, setExitCode),
    evidenceCommand(io, setExitCode),
    actionsCommand(io, setExitCode),
    exchangeCommand(io, setExitCode),
    lexiconsCommand(io, setExitCode),
  ]) {
    program.addCommand(command);
  }
  inheritSettings(program);
  return program;
}

/** addCommand() does not pass on output, exit and help settings; copy them down the whole tree. */
function inheritSettings(parent: Command): void {
  for (const child of parent.commands) {
    child.copyInheritedSettings(parent);
    inheritSettings(child);
  }
}

/**
 * Runs the CLI with `argv` (without the node and script entries); resolves to the exit status.
 * The composition root of every command: reads and validates the settings from `environment`
 * once (an invalid one is `CONFIG_INVALID`, exit status 2, before any command runs) and makes
 * the process's logger.
 */
export async function runCli(
  argv: readonly string[],
  io: CliIo = processIo,
  environment: Environment = process.env,
): Promise<number> {
  try {
    const settings = readSettings(environment);
    useCliSettings(settings, createLogger({ level: settings.logLevel, destination: io.stderr }));
    useFfmpeg(settings.ffmpeg);
  } catch (error) {
    const engineError = toEngineError(error);
    io.stderr.write(`prevail: ${engineError.code}: ${engineError.message}\n`);
    return usageExitCode;
  }
  let exitCode = 0;
  const program = buildProgram(io, (code) => {
    exitCode = code;
  });
  try {
    await program.parseAsync([...argv], { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : usageExitCode;
    if (error instanceof EngineError) {
      io.stderr.write(`prevail: ${error.code}: ${error.message}\n`);
      return error.code === 'CONFIG_INVALID' ? usageExitCode : 1;
    }
    io.stderr.write(`prevail: ${error instanceof Error ? error.message : String(error)}\n`);
    return usageExitCode;
  }
  return exitCode;
}

/** Entry point of the `prevail` binary. */
export async function main(): Promise<void> {
  endQuietlyOnClosedPipe(process.stdout);
  endQuietlyOnClosedPipe(process.stderr, undefined, () => undefined);
  process.exitCode = await runCli(process.argv.slice(2));
}

const invokedDirectly =
  process.argv[1] !== undefined && realpathSync(process.argv[1]) === fileURLToPath(import.meta.url);
if (invokedDirectly) await main();
