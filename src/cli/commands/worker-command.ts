import { Command } from 'commander';
import { createServices } from '../../app/index.js';
import { EngineError } from '../../core/index.js';
import { eventStreamName, startEventWorker, workerConsumerName } from '../../event-bus/index.js';
import { cliLogger } from '../cli-settings.js';
import type { CliIo } from '../io.js';
import { natsUrlList, positiveInteger } from '../options.js';
import { guardProcess } from '../process-guard.js';
import { type StorageCliOptions, storageSettings, withStorageOptions } from '../storage-options.js';

interface WorkerOptions extends StorageCliOptions {
  events: string;
  batchSize: number;
}

/**
 * `prevail worker`: processes the events API nodes (`prevail serve --events`) published, from the
 * shared durable consumer, with exactly-once effects in the shared PostgreSQL. Runs until SIGINT
 * or SIGTERM, then finishes the batch in hand. See docs/scaling.md.
 */
export function workerCommand(io: CliIo): Command {
  return withStorageOptions(
    new Command('worker')
      .summary('process events from the event bus (multi-node mode)')
      .description(
        `Pulls the events that "prevail serve --events" nodes published from the NATS JetStream stream ${eventStreamName} (durable consumer ${workerConsumerName}, shared by every worker) and processes them through the signals engine: each batch's new events and their effects (rule hits, typology points, cases, labels, links, outbox actions) are committed in one PostgreSQL transaction, then acknowledged. A redelivered event already committed is acknowledged with no effect. A message that is not JSON, an event the engine refuses and one whose commit fails on its last delivery are recorded as dead letters (GET /v1/dead-letters) and terminated. Needs --database-url postgres://… (the store every node shares) and the same --policy as the API nodes.`,
      ),
  )
    .requiredOption(
      '--events <url>',
      'the NATS server(s) holding the event stream, e.g. nats://127.0.0.1:4222',
      natsUrlList,
    )
    .option('--batch-size <n>', 'events fetched and committed together (at most 1,000)', positiveInteger, 100)
    .action(async (options: WorkerOptions) => {
      const settings = storageSettings(options);
      if (settings.databaseUrl === undefined || !/^postgres(ql)?:\/\//.test(settings.databaseUrl))
        throw new EngineError(
          'CONFIG_INVALID',
          'prevail worker needs --database-url postgres://… (the PostgreSQL every node shares)',
        );
      if (options.batchSize > 1000) throw new EngineError('CONFIG_INVALID', '--batch-size is at most 1,000');
      const logger = cliLogger();
      const services = await createServices(settings, {
        withEngine: true,
        loadIndexes: false,
        logger,
        engineBus: {},
      });
      const opened = services.engine;
      if (opened === undefined) throw new EngineError('INTERNAL', 'the engine did not open');
      const store = services.storage.engine;
      const record = store.recordBusDeadLetters?.bind(store);
      if (record === undefined) {
        await services.close();
        throw new EngineError('CONFIG_INVALID', 'this store cannot record bus dead letters (it needs PostgreSQL)');
      }
      const worker = await startEventWorker({
        url: options.events,
        processor: opened.engine,
        deadLetters: record,
        logger: logger.child({ module: 'worker' }),
        batchSize: options.batchSize,
      }).catch(async (error: unknown) => {
        await services.close();
        throw error;
      });
      const close = async (): Promise<void> => {
        await worker.stop();
        await services.close();
      };
      guardProcess(logger, close);
      io.stderr.write(
        `prevail worker consuming ${eventStreamName} from ${options.events} (store: ${services.storage.location})\n`,
      );
      await new Promise<void>((resolve) => {
        const stop = (): void => {
          process.off('SIGINT', stop);
          process.off('SIGTERM', stop);
          io.stderr.write('stopping…\n');
          void close().then(resolve);
        };
        process.on('SIGINT', stop);
        process.on('SIGTERM', stop);
      });
      const counts = worker.counts;
      io.stderr.write(
        `worker stopped: ${counts.processed} processed, ${counts.duplicates} duplicates, ${counts.refused} refused, ${counts.deadLettered} dead-lettered, ${counts.failedBatches} failed batches, ${counts.redelivered} redeliveries\n`,
      );
    });
}
