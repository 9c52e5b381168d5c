import { createHash } from 'node:crypto';
import { BankService } from '../../src/banks/index.js';
import { parseEvidenceKeyRing } from '../../src/evidence/index.js';
import {
  ExchangeService,
  type ExchangeService as ExchangeServiceType,
  type FetchSettings,
} from '../../src/exchange-sync/index.js';
import {
  type ExchangeCheckpoint,
  type ExchangeClient,
  type ExchangeDelta,
  type ExchangeKind,
  ExchangeKindRegistry,
  type ExchangePage,
  fileExchangeKind,
  urlExchangeKind,
} from '../../src/exchanges/index.js';
import { Matcher } from '../../src/matching/index.js';
import { signalTypes } from '../../src/signals/index.js';
import type { Storage } from '../../src/storage/index.js';

/** A fixed test key ring (plainly fake keys). */
export const testKeyRing = parseEvidenceKeyRing(`k2:${'22'.repeat(32)},k1:${'11'.repeat(32)}`);

/**
 * A scripted upstream for the runner's tests: an ordered log of deltas served `pageSize` at a
 * time from checkpoint `{ position }`; `faults` make the next calls throw.
 */
export class ScriptedUpstream {
  log: ExchangeDelta[] = [];
  pageSize = 2;
  faults: Error[] = [];
  calls = 0;
  /** Checkpoints asked for, in order. */
  asked: (ExchangeCheckpoint | null)[] = [];

  client(): ExchangeClient {
    return {
      kind: 'scripted',
      fetchPage: async (checkpoint): Promise<ExchangePage> => {
        this.calls++;
        this.asked.push(checkpoint);
        const fault = this.faults.shift();
        if (fault !== undefined) throw fault;
        const position = Number(checkpoint?.position ?? 0);
        const deltas = this.log.slice(position, position + this.pageSize);
        const next = position + deltas.length;
        return {
          deltas,
          checkpoint: { position: next, progressTimestamp: 1_700_000_000 + next },
          more: next < this.log.length,
        };
      },
    };
  }

  kind(): ExchangeKind {
    return {
      kind: 'scripted',
      description: 'a scripted upstream (tests)',
      configFields: [],
      credentialFields: [{ name: 'token', type: 'string', required: true, default: null, help: 'a token' }],
      parseConfig: () => ({}),
      createClient: () => this.client(),
    };
  }
}

/** Bank service, matcher (following bank changes) and exchange service over one open store. */
export async function exchangeRig(
  storage: Storage,
  options: { upstream?: ScriptedUpstream; kinds?: ExchangeKind[]; fetch?: FetchSettings; clock?: () => number } = {},
): Promise<{ banks: BankService; matcher: Matcher; exchanges: ExchangeServiceType }> {
  const banks = new BankService(storage.banks);
  const matcher = new Matcher({
    repository: storage.banks,
    indexFactories: Object.fromEntries(signalTypes.map((type) => [type.name, () => type.createIndex()])),
  });
  banks.subscribe(matcher);
  await matcher.load();
  const kinds = new ExchangeKindRegistry([
    fileExchangeKind,
    urlExchangeKind,
    ...(options.upstream === undefined ? [] : [options.upstream.kind()]),
    ...(options.kinds ?? []),
  ]);
  const exchanges = new ExchangeService({
    repository: storage.exchanges,
    banks,
    kinds,
    keyRing: testKeyRing,
    fetch: { malformedBackoffMs: 1, ...options.fetch },
    ...(options.clock === undefined ? {} : { clock: options.clock }),
  });
  return { banks, matcher, exchanges };
}

/** A PDQ value from a number: the SHA-256 of `fake-<n>` (plainly synthetic, far from the others). */
export function fakePdq(n: number): string {
  return createHash('sha256').update(`fake-${n}`).digest('hex');
}
