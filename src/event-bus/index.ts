/**
 * The event bus between API nodes and workers (NATS JetStream): API nodes publish ingested events
 * (`connectEventPublisher`, handed to the engine as its `EngineBus.publish`), workers pull them
 * from one durable consumer and process them through the engine (`startEventWorker`). The engine
 * knows no transport: composition roots wire this module to it. See docs/scaling.md.
 */
export type { BusDeadLetter, BusDeadLetterCode, BusDeadLetterSink } from './bus-dead-letters.js';
export { connectEventPublisher, type EventPublisher } from './event-publisher.js';
export { ackWaitMs, entityHome, eventStreamName, eventSubject, workerConsumerName } from './event-stream.js';
export {
  type DeliveredEventProcessor,
  type EventWorker,
  type EventWorkerCounts,
  startEventWorker,
  type WorkerPartitioning,
} from './event-worker.js';
export { busPartitionPeers, type PeerAnswerer, servePartitionFeatures } from './partition-peers.js';
