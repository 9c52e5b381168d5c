import { availableParallelism } from 'node:os';
import { Command, InvalidArgumentError } from 'commander';
import { createServices } from '../../app/index.js';
import { type SignalSummary, summariseSignals } from '../../banks/index.js';
import { defaultMaxPixels } from '../../content/index.js';
import { EngineError, mapOrdered, toEngineError } from '../../core/index.js';
import { hashMedia, lookupSignalNames } from '../../hasher/index.js';
import {
  type Matcher,
  type MatchOptions,
  type MatchOutcome,
  matchOutcomeJson,
  mediaMatchQuery,
} from '../../matching/index.js';
import { signalTypeByName } from '../../signals/index.js';
import {
  commandFetchPolicy,
  defaultInputMaxBytes,
  expandInputs,
  hashInputPath,
  loadInputBytes,
} from '../expand-inputs.js';
import type { CliIo } from '../io.js';
import { commaList, positiveInteger } from '../options.js';
import { startProgress } from '../progress.js';
import { type StorageCliOptions, storageSettings, withStorageOptions } from '../storage-options.js';
import { type VideoCliOptions, videoHashOptions, withVideoOptions } from './hash-command.js';

interface MatchCommandOptions extends StorageCliOptions, VideoCliOptions {
  videoQueryMatch: number;
  videoComparedMatch: number;
  hash?: string[];
  signalType: string;
  banks?: string[];
  dihedral: boolean;
  tmk: boolean;
  maxPixels: number;
  allowPrivate: boolean;
  concurrency: number;
  progress: boolean;
}

/**
 * The JSONL record of one looked-up input, each match in the one JSON shape of a match
 * (`matchOutcomeJson`, as `/v1/match` answers). Empty lists other than `matches` are left out, and
 * so is `largeSignals` (the summaries of long `--hash` values, as bank answers give them) when empty.
 */
function matchRecord(
  path: string,
  signals: Record<string, unknown>,
  outcome: MatchOutcome,
  largeSignals: Record<string, SignalSummary> = {},
): Record<string, unknown> {
  const json = matchOutcomeJson(outcome);
  const record: Record<string, unknown> = { path, signals };
  if (Object.keys(largeSignals).length > 0) record.largeSignals = largeSignals;
  record.matches = json.matches;
  for (const key of ['suppressed', 'quarantined', 'negative', 'warnings'] as const) {
    if (json[key].length > 0) record[key] = json[key];
  }
  return record;
}

/** Parses a percentage option, 0..100. */
function percentage(value: string): number {
  const parsed = Number(value);
  if (value.trim() === '' || !Number.isFinite(parsed) || parsed < 0 || parsed > 100) {
    throw new InvalidArgumentError('expected a percentage from 0 to 100');
  }
  return parsed;
}

async function matchHashes(
  matcher: Matcher,
  options: MatchCommandOptions,
  io: CliIo,
  matchOptions: MatchOptions,
): Promise<number> {
  const descriptor = signalTypeByName(options.signalType);
  let failures = 0;
  for (const text of options.hash ?? []) {
    try {
      const value = descriptor.parse(text);
      const outcome = await matcher.match({ signals: { [descriptor.name]: value } }, matchOptions);
      // A long value (a tmk_pdqf, 351 KB) is named by its type and summarised, not printed.
      const { signals, largeSignals } = summariseSignals({ [descriptor.name]: value });
      const path = hashInputPath(descriptor.name, value);
      io.stdout.write(`${JSON.stringify(matchRecord(path, signals, outcome, largeSignals))}\n`);
    } catch (error) {
      failures++;
      const path = hashInputPath(descriptor.name, text);
      io.stdout.write(`${JSON.stringify({ path, error: toEngineError(error).toJSON() })}\n`);
    }
  }
  return failures;
}

/** `prevail match`: look up files, URLs or hashes in every enabled bank. */
export function matchCommand(io: CliIo, setExitCode: (code: number) => void): Command {
  return withVideoOptions(withStorageOptions(new Command('match')))
    .summary('match images, videos, URLs or hashes against the banks (JSONL)')
    .description(
      'Hashes each input (PDQ for images, vPDQ for videos, MD5, SHA-256) and looks it up in every bank, or looks up hashes given with --hash. One JSON line per input: {"path", "signals", "matches": [{"bank", "contentId", "signalType", "distance", "matchedValue", "provenance", …}]}, plus "suppressed" (cancelled by a negative bank), "quarantined" (flood protection) and "warnings" when not empty. Only "matches" are actionable. A vPDQ match also carries "queryMatchPercent" and "comparedMatchPercent": the shares of the query video\'s and of the banked video\'s unique good frames that matched; both must reach their threshold (80 by default).',
    )
    .argument('[inputs...]', 'image or video files, directories or http(s) URLs')
    .option(
      '--hash <hex>',
      'look up this hash instead of files (repeatable)',
      (value: string, previous: string[] = []) => [...previous, value],
    )
    .option('--signal-type <name>', 'signal type of --hash values', 'pdq')
    .option('--banks <list>', 'only these banks (comma-separated)', commaList)
    .option('--dihedral', 'also look up the rotated and flipped PDQ variants', false)
    .option(
      '--tmk',
      'videos: also compute TMK+PDQF (tmk_pdqf: one more ffmpeg pass per video) and look it up in banks that hold it (--video-signals tmk_pdqf); not printed under "signals" (351 KB)',
      false,
    )
    .option('--max-pixels <n>', 'refuse larger images', positiveInteger, defaultMaxPixels)
    .option('--allow-private', 'allow URLs on private addresses', false)
    .option(
      '--video-query-match <percent>',
      "vPDQ: share of the query video's unique good frames that must match a banked video",
      percentage,
      80,
    )
    .option(
      '--video-compared-match <percent>',
      "vPDQ: share of the banked video's unique good frames that must match the query",
      percentage,
      80,
    )
    .option('--concurrency <n>', 'inputs decoded at once', positiveInteger, Math.max(2, availableParallelism()))
    .option('--no-progress', 'never show the progress bar')
    .action(async (args: string[], options: MatchCommandOptions) => {
      if (args.length === 0 && (options.hash ?? []).length === 0) {
        throw new EngineError('CONFIG_INVALID', 'give files, directories or URLs to match, or --hash HEX');
      }
      const services = await createServices(storageSettings(options));
      try {
        if (options.banks !== undefined) await services.banks.requireBanks(options.banks);
        const matchOptions: MatchOptions = {
          ...(options.banks !== undefined ? { banks: options.banks } : {}),
          videoThresholds: {
            queryMatchPercent: options.videoQueryMatch,
            comparedMatchPercent: options.videoComparedMatch,
          },
        };
        let failures = await matchHashes(services.matcher, options, io, matchOptions);
        const inputs = await expandInputs(args);
        const progress = startProgress(
          inputs.length,
          options.progress && io.stderr.isTTY === true,
          io.stderr,
          'matching',
        );
        await mapOrdered(
          inputs,
          options.concurrency,
          async (input) => {
            try {
              const bytes = await loadInputBytes(input, defaultInputMaxBytes, commandFetchPolicy(options.allowPrivate));
              const hashes = await hashMedia(bytes, {
                signals: lookupSignalNames({ tmk: options.tmk }),
                dihedral: options.dihedral,
                decode: { maxPixels: options.maxPixels },
                video: videoHashOptions(options),
              });
              return { hashes, outcome: await services.matcher.match(mediaMatchQuery(hashes), matchOptions) };
            } catch (error) {
              return { error: toEngineError(error) };
            }
          },
          (result, input) => {
            if ('error' in result) {
              failures++;
              io.stdout.write(`${JSON.stringify({ path: input.location, error: result.error.toJSON() })}\n`);
            } else {
              const { dihedral: _dihedral, tmk_pdqf: _tmk, ...signals } = result.hashes;
              io.stdout.write(`${JSON.stringify(matchRecord(input.location, signals, result.outcome))}\n`);
            }
            progress.tick();
          },
        );
        progress.stop();
        setExitCode(failures > 0 ? 1 : 0);
      } finally {
        await services.close();
      }
    });
}
