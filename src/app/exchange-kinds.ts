import {
  ExchangeKindRegistry,
  fileExchangeKind,
  ncmecKind,
  peerExchangeKind,
  stopnciiKind,
  threatexchangeKind,
  urlExchangeKind,
} from '../exchanges/index.js';

/**
 * The exchange kinds this build installs, by name: what `prevail exchange add --kind`, HMA's
 * `/c/exchanges/apis` and the fetcher know. A client (NCMEC, StopNCII, ThreatExchange…) is
 * installed by adding its `ExchangeKind` here; nothing else names it.
 */
export function builtinExchangeKinds(): ExchangeKindRegistry {
  return new ExchangeKindRegistry([
    fileExchangeKind,
    urlExchangeKind,
    peerExchangeKind,
    ncmecKind(),
    stopnciiKind(),
    threatexchangeKind(),
  ]);
}
