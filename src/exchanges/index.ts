/**
 * Exchanges: reading and writing hash lists in the formats other tools use (python-threatexchange
 * and HMA `typed` files, `bare` lists, ThreatExchange `te-csv` caches, C++ `pdq-tool` hash files),
 * streamed line by line so that `prevail bank import|export` and the HTTP API handle lists of any
 * size in bounded memory. Each format's exact rules are in the JSDoc of its module
 * (`typed-format.ts`, `bare-format.ts`, `te-csv-format.ts`, `pdq-tool-format.ts`), detection in
 * `detect-format.ts`, the rules common to all in `read-hash-list.ts`.
 *
 * Exchange clients (`exchange-client.ts`: pages of keyed deltas with a checkpoint) for NCMEC's Hash
 * Sharing API (`ncmec/`), StopNCII (`stopncii/`) and ThreatExchange (`threatexchange/`): pure
 * (configuration and credentials in, pages out), reading through `readUpstream`.
 */
export { batchEntries, type HashListBatch } from './batch-entries.js';
export { type ExchangeClientOptions, parseExchangeSettings } from './client-options.js';
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
  createNcmecClient,
  type NcmecCheckpoint,
  type NcmecConfig,
  type NcmecCredentials,
  ncmecConfigSchema,
  ncmecCredentialsSchema,
  ncmecCursorLifetimeSeconds,
  ncmecKind,
} from './ncmec/index.js';
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
  createStopnciiClient,
  type StopnciiCheckpoint,
  type StopnciiConfig,
  type StopnciiCredentials,
  stopnciiConfigSchema,
  stopnciiCredentialsSchema,
  stopnciiKind,
} from './stopncii/index.js';
export {
  createThreatexchangeClient,
  type ThreatexchangeCheckpoint,
  type ThreatexchangeConfig,
  type ThreatexchangeCredentials,
  threatexchangeConfigSchema,
  threatexchangeCredentialsSchema,
  threatexchangeKind,
} from './threatexchange/index.js';
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
export { readUpstream, retryAfterMs, type UpstreamReadOptions, upstreamStatusOf } from './upstream-read.js';
export { type UpstreamWriteOptions, writeUpstream } from './upstream-write.js';
export {
  formatHashListLine,
  hashListHeader,
  maxExportTextLength,
  teCsvExportHeader,
  writeHashList,
} from './write-hash-list.js';
