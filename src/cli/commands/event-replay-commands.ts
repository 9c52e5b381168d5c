import { Command, InvalidArgumentError } from 'commander';
import { builtinPacks, createServices } from '../../app/index.js';
import { EngineError } from '../../core/index.js';
import { openEngine } from '../../engine/index.js';
import type { CliIo } from '../io.js';
import { positiveInteger } from '../options.js';
import { type StorageCliOptions, storageSettings, withStorageOptions } from '../storage-options.js';

function nonNegativeInteger(value: string): number {
  const parsed = Number(value);
  if (!Number.isSafeInteger(parsed) || parsed < 0) throw new InvalidArgumentError('expected a whole number, 0 or more');
  return parsed;
}

/**
 * `prevail events replay`: processes every stored event again under the current policy (after a
 * policy change, or after events were ingested with `--without-policy`). Features and typology
 * scores are rebuilt from the log; rules run on every event. Effects are idempotent by event id:
 * a rule hit, label, typology contribution or timeline entry already stored is not stored twice,
 * and links are not counted again. People's work is never undone: labels they set stay, open
 * cases stay open (replayed activity joins them) and a case they closed is not opened again by
 * the events it was about. Dead letters stay recorded; the events behind them are retried.
 */
export function eventsReplayCommand(io: CliIo): Command {
  return withStorageOptions(new Command('replay'))
    .summary('process every stored event again under the current policy (effects are idempotent)')
    .description(
      'Rebuilds features and typology scores from the event log and runs the current rules on every stored event. Rule hits, labels, typology points and case timeline entries already stored are kept and not stored twice (they are keyed by event id); links are not counted again; labels set by people stay; open cases stay open and a case a person closed is not opened again by the events it covered. Needs --policy. Prints {"events", "previousWatermark", "processedSeq", "deadLetters"}.',
    )
    .action(async (options: StorageCliOptions) => {
      if (options.policy === undefined || options.policy === '') {
        throw new EngineError(
          'CONFIG_INVALID',
          'events replay needs --policy DIR (or PREVAIL_POLICY_DIR): the policy to replay under',
        );
      }
      const settings = storageSettings(options);
      const services = await createServices(settings, { loadIndexes: false });
      try {
        const previousWatermark = await services.storage.engine.resetProcessing();
        const { engine } = await openEngine(services.storage.engine, settings.policyDir, {
          packRegistry: builtinPacks,
        });
        await engine.close();
        const health = engine.health();
        io.stdout.write(
          `${JSON.stringify({
            events: await services.storage.engine.events.count(),
            previousWatermark,
            processedSeq: health.processedSeq,
            deadLetters: await services.storage.engine.deadLetterCount(),
          })}\n`,
        );
      } finally {
        await services.close();
      }
    });
}

/** `prevail events dead-letters`: the events whose processing failed, one JSON line each. */
export function eventsDeadLettersCommand(io: CliIo): Command {
  return withStorageOptions(new Command('dead-letters'))
    .summary('list the events whose processing failed (event id, seq, error, time)')
    .option('--after <seq>', 'only those after this event seq', nonNegativeInteger, 0)
    .option('--limit <n>', 'at most this many', positiveInteger, 100)
    .action(async (options: StorageCliOptions & { after: number; limit: number }) => {
      const services = await createServices(storageSettings(options), { loadIndexes: false });
      try {
        for (const letter of await services.storage.engine.deadLetters(options.after, options.limit))
          io.stdout.write(`${JSON.stringify(letter)}\n`);
      } finally {
        await services.close();
      }
    });
}
