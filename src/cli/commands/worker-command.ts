import { Command } from 'commander';
import { createServices } from '../../app/index.js';
import { EngineError } from '../../core/index.js';
import { eventStreamName, startEventWorker, workerConsumerName } from '../../event-bus/index.js';
import { cliLogger } from '../cli-settings.js';
import type { CliIo } from '../io.js';
import { natsUrlList, positiveInteger } from '../options.js';
import { guardProcess } from '../process-guard.js';
import { reloadRulesOnHangup } from '../rules-reload-signal.js';
import { type StorageCliOptions, storageSettings, withStorageOptions } from '../storage-options.js';

interface WorkerOptions extends StorageCliOptions {
  events: string;
  batchSize: number;
  partitions?: number;
  partitionLeaseMs: number;
}

/**
 * `prevail worker`: processes the events API nodes (`prevail serve --events`) published, from the
 * shared durable consumer, with exactly-once effects in the shared PostgreSQL. Runs until SIGINT
 * or SIGTERM, then finishes the batch in hand; SIGHUP reloads its rules. See docs/scaling.md.
 */
export function workerCommand(io: CliIo): Command {
  return withStorageOptions(
    new Command('worker')
      .summary('process events from the event bus (multi-node mode)')
      .description(
        `Pulls the events that "prevail serve --events" nodes published from the NATS JetStream stream ${eventStreamName} (durable consumer ${workerConsumerName}, shared by every worker; with --partitions, one consumer per partition, each partition owned by one worker through a PostgreSQL lease) and processes them through the signals engine: each batch's new events and their effects (rule hits, typology points, cases, labels, links, outbox actions) are committed in one PostgreSQL transaction, then acknowledged. A redelivered event already committed is acknowledged with no effect. A message that is not JSON, an event the engine refuses and one whose commit fails on its last delivery are recorded as dead letters (GET /v1/dead-letters) and terminated. Needs --database-url postgres://… (the store every node shares) and the same --policy as the API nodes.`,
      ),
  )
    .requiredOption(
      '--events <url>',
      'the NATS server(s) holding the event stream, e.g. nats://127.0.0.1:4222',
      natsUrlList,
    )
    .option('--batch-size <n>', 'events fetched and committed together (at most 1,000)', positiveInteger, 100)
    .option(
      '--partitions <n>',
      "partition by entity: hold leases on a fair share of N partitions (the same N as every other node, e.g. 8), rebuild each taken partition's features from the PostgreSQL log, consume it in order (see docs/scaling.md)",
      positiveInteger,
    )
    .option(
      '--partition-lease-ms <ms>',
      'with --partitions: how long a partition lease lasts unrenewed (renewed every third of it): the hand-over delay after a worker dies (3,000 to 3,600,000)',
      positiveInteger,
      15_000,
    )
    .action(async (options: WorkerOptions) => {
      if (options.partitions !== undefined && options.partitions > 1024)
        throw new EngineError('CONFIG_INVALID', '--partitions is at most 1,024');
      // The upper bound keeps the renewal timer (a third of the lease) within what setTimeout
      // takes: Node runs a longer delay after 1 ms, which would renew leases in a tight loop.
      if (options.partitionLeaseMs < 3000 || options.partitionLeaseMs > 3_600_000)
        throw new EngineError('CONFIG_INVALID', '--partition-lease-ms is from 3,000 to 3,600,000 (an hour)');
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
      const leases = store.partitionLeases;
      const partitions = options.partitions;
      const worker = await (async () => {
        if (leases === undefined) throw new EngineError('CONFIG_INVALID', 'workers need a PostgreSQL store');
        // Every node of one deployment uses the same partition count (or none): the store records it.
        await leases.configure(partitions ?? null);
        return startEventWorker({
          url: options.events,
          processor: opened.engine,
          deadLetters: record,
          logger: logger.child({ module: 'worker' }),
          batchSize: options.batchSize,
          // An API node's POST /v1/rules/reload reloads this worker's rules from its policy directory.
          ...(opened.rules === undefined ? {} : { rules: opened.rules }),
          ...(partitions === undefined
            ? {}
            : { partitioning: { partitions, leases, leaseMs: options.partitionLeaseMs } }),
        });
      })().catch(async (error: unknown) => {
        await services.close();
        throw error;
      });
      // SIGHUP (`systemctl reload`) reloads this worker's rules from its policy directory, as
      // it does a server's; a bad set keeps the old one running and says why.
      const stopReloading = reloadRulesOnHangup(opened.rules, io);
      const close = async (): Promise<void> => {
        stopReloading();
        await worker.stop();
        await services.close();
      };
      guardProcess(logger, close);
      io.stderr.write(
        `prevail worker consuming ${eventStreamName} from ${options.events}${partitions === undefined ? '' : ` in ${partitions} partitions`} (node: ${worker.node}; store: ${services.storage.location})\n`,
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
        `worker stopped: ${counts.processed} processed, ${counts.duplicates} duplicates, ${counts.refused} refused, ${counts.deadLettered} dead-lettered, ${counts.failedBatches} failed batches, ${counts.redelivered} redeliveries, ${counts.fetchesCutShort} fetches cut short${partitions === undefined ? '' : `, ${counts.partitionsTaken} partitions taken (${counts.replayed} events replayed), ${counts.partitionsLost} lost, ${counts.peerWaits} batches waited for other partitions' features`}\n`,
      );
    });
}
