/**
 * Exchanges: reading and writing hash lists in the formats other tools use (python-threatexchange
 * and HMA `typed` files, `bare` lists, ThreatExchange `te-csv` caches, C++ `pdq-tool` hash files),
 * streamed line by line so that `prevail bank import|export` and the HTTP API handle lists of any
 * size in bounded memory. Each format's exact rules are in the JSDoc of its module
 * (`typed-format.ts`, `bare-format.ts`, `te-csv-format.ts`, `pdq-tool-format.ts`), detection in
 * `detect-format.ts`, the rules common to all in `read-hash-list.ts`.
 */
export { batchEntries, type HashListBatch } from './batch-entries.js';
export { type DetectionHints, detectFormat } from './detect-format.js';
export type {
  ExchangeCallOptions,
  ExchangeCheckpoint,
  ExchangeClient,
  ExchangeDelta,
  ExchangeFeedback,
  ExchangePage,
  ExchangeRecord,
  ExchangeSignal,
} from './exchange-client.js';
export { checkFields, maxFieldLength } from './exchange-config.js';
export { type ExchangeField, type ExchangeKind, ExchangeKindRegistry, printable } from './exchange-kind.js';
export {
  type FeedPage,
  feedFormat,
  feedPublicKeyText,
  feedSignatureHeader,
  generateFeedKey,
  parseFeedPublicKey,
  parseFeedSigningKey,
  peerExchangeKind,
  signFeedPage,
  verifyFeedPage,
} from './peer-feed.js';
export { readHashList } from './read-hash-list.js';
export { checkListUrl, fileExchangeKind, urlExchangeKind } from './snapshot-exchange.js';
export {
  type HashListEntry,
  type HashListExportEntry,
  type HashListFormat,
  type HashListFormatOption,
  type HashListItem,
  type HashListRejection,
  type HashListSource,
  hashListFormats,
  maxLineLength,
  maxVideoLineLength,
  parseHashListFormat,
  type ReadHashListOptions,
} from './types.js';
export { readUpstream, retryAfterMs, type UpstreamReadOptions } from './upstream-read.js';
export {
  formatHashListLine,
  hashListHeader,
  maxExportTextLength,
  teCsvExportHeader,
  writeHashList,
} from './write-hash-list.js';
