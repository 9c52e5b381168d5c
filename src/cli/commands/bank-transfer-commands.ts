import { createReadStream, createWriteStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { finished } from 'node:stream/promises';
import cliProgress from 'cli-progress';
import { Command } from 'commander';
import { exportHashList, importHashList } from '../../banks/index.js';
import { EngineError } from '../../core/index.js';
import { hashListFormats, parseHashListFormat } from '../../exchanges/index.js';
import type { CliIo } from '../io.js';
import { type StorageCliOptions, withStorageOptions } from '../storage-options.js';
import { withBanks } from './bank-command.js';

interface ImportCommandOptions extends StorageCliOptions {
  format: string;
  signalType?: string;
  source?: string;
  progress: boolean;
}

/** A byte-based progress bar for reading a file (shown only on a terminal). */
function byteProgress(total: number, enabled: boolean, io: CliIo) {
  if (!enabled || total === 0) return { update: (_bytes: number, _text: string) => {}, stop: () => {} };
  const bar = new cliProgress.SingleBar(
    {
      stream: io.stderr,
      format: 'importing [{bar}] {percentage}% | {eta_formatted} left | {status}',
      hideCursor: true,
      clearOnComplete: true,
    },
    cliProgress.Presets.shades_classic,
  );
  bar.start(total, 0, { status: '' });
  return { update: (bytes: number, status: string) => bar.update(bytes, { status }), stop: () => bar.stop() };
}

/** `prevail bank import`: stream a hash list file into a bank. */
export function importCommand(io: CliIo, setExitCode: (code: number) => void): Command {
  return withStorageOptions(new Command('import'))
    .summary('import a hash list (typed, bare, te-csv, pdq-tool) into a bank')
    .description(
      'Streams the file into the bank in batches, skipping values the bank already holds. Prints one JSON summary line {bank, entries, added, duplicates, rejected}; each rejected line goes to stderr as "file:line: reason". Exit status 1 when any line was rejected. Formats: typed ("<signal_type> <value>" lines, as python-threatexchange and HMA write them), bare (one value per line, with --signal-type), te-csv (ThreatExchange simple CSV), pdq-tool (C++ PDQ tool output), auto (detected; the default). Use - to read standard input.',
    )
    .argument('<name>', 'the bank')
    .argument('<file>', 'the hash list, or - for standard input')
    .option('--format <format>', `auto, ${hashListFormats.join(', ')}`, 'auto')
    .option('--signal-type <name>', 'the signal type of bare lists (and te-csv without a type in its name)')
    .option('--source <name>', 'provenance recorded on every item (default import)')
    .option('--no-progress', 'never show the progress bar')
    .action(async (name: string, file: string, options: ImportCommandOptions) => {
      const format = parseHashListFormat(options.format);
      const fromStdin = file === '-';
      const size = fromStdin
        ? 0
        : (
            await stat(file).catch(() => {
              throw new EngineError('INPUT_NOT_FOUND', `${file} does not exist`);
            })
          ).size;
      await withBanks(options, async ({ banks }) => {
        const input = fromStdin ? process.stdin : createReadStream(file);
        const progress = byteProgress(size, options.progress && io.stderr.isTTY === true, io);
        const report = await importHashList(banks, name, input, {
          format,
          ...(options.signalType !== undefined ? { signalType: options.signalType } : {}),
          ...(options.source !== undefined ? { source: options.source } : {}),
          fileName: fromStdin ? 'stdin' : basename(file),
          onProgress: (running) => {
            const read = 'bytesRead' in input ? Number(input.bytesRead) : 0;
            progress.update(read, `${running.added.toLocaleString('en')} added, ${running.rejected} rejected`);
          },
        });
        progress.stop();
        for (const rejection of report.rejections)
          io.stderr.write(`${file}:${rejection.line}: ${rejection.reason}: ${rejection.text}\n`);
        if (report.rejected > report.rejections.length) {
          io.stderr.write(`… and ${report.rejected - report.rejections.length} more rejected lines\n`);
        }
        const { rejections: _rejections, ...summary } = report;
        io.stdout.write(`${JSON.stringify(summary)}\n`);
        setExitCode(report.rejected > 0 ? 1 : 0);
      });
    });
}

/** `prevail bank export`: write a bank's hashes as a hash list. */
export function exportCommand(io: CliIo): Command {
  return withStorageOptions(new Command('export'))
    .summary('export a bank as a hash list (typed, bare, te-csv, pdq-tool)')
    .argument('<name>', 'the bank')
    .option('--format <format>', hashListFormats.join(', '), 'typed')
    .option('--signal-type <name>', 'only this signal type (required for bare)')
    .option('-o, --output <file>', 'write to a file instead of standard output')
    .action(
      async (name: string, options: StorageCliOptions & { format: string; signalType?: string; output?: string }) => {
        const format = parseHashListFormat(options.format);
        if (format === 'auto')
          throw new EngineError('IMPORT_INVALID_FORMAT', 'choose an export format: typed, bare, te-csv or pdq-tool');
        await withBanks(options, async ({ banks }) => {
          if (options.output === undefined) {
            await exportHashList(banks, name, io.stdout, format, options.signalType);
            return;
          }
          const file = createWriteStream(options.output);
          const { lines } = await exportHashList(banks, name, file, format, options.signalType);
          file.end();
          await finished(file);
          io.stderr.write(`wrote ${lines} lines to ${options.output}\n`);
        });
      },
    );
}
