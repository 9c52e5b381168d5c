import type { EngineEvent } from '../../events/index.js';
import type { PaymentRecord } from '../payment-record.js';
import type { OcseSettings } from './ocse-settings.js';

/** Where the channel came from: the message's own field, inferred from other fields, or neither. */
export type ChannelSource = 'declared' | 'inferred' | 'unknown';

/**
 * The field a channel was told from: the channel itself (`declared`), a field only one channel
 * carries (`merchant_category`, `crypto_risk_tags`, `payee_document`), a code or an agent BIC the
 * settings map (`instruction_code`, `local_instrument`, `debtor_agent`, `creditor_agent`,
 * `purpose`, `category_purpose`), or nothing (`none`).
 */
export type ChannelBasis =
  | 'declared'
  | 'merchant_category'
  | 'crypto_risk_tags'
  | 'payee_document'
  | 'instruction_code'
  | 'local_instrument'
  | 'debtor_agent'
  | 'creditor_agent'
  | 'purpose'
  | 'category_purpose'
  | 'none';

/** The fields of a payment that can tell its channel, as a record or an event holds them. */
export interface ChannelEvidence {
  readonly channel?: string | undefined;
  readonly merchantCategory?: string | undefined;
  readonly cryptoRiskTags?: readonly unknown[] | undefined;
  readonly payeeDocument?: string | undefined;
  readonly instructionCodes?: readonly unknown[] | undefined;
  readonly localInstrument?: string | undefined;
  readonly payerAgentBic?: string | undefined;
  readonly payeeAgentBic?: string | undefined;
  readonly purpose?: string | undefined;
  readonly categoryPurpose?: string | undefined;
}

/** A payment's channel, where it came from and why: `reason` is for people (alerts, the profile). */
export type ChannelResolution =
  | {
      readonly channel: string;
      readonly source: 'declared' | 'inferred';
      readonly basis: Exclude<ChannelBasis, 'none'>;
      readonly reason: string;
    }
  | { readonly channel: undefined; readonly source: 'unknown'; readonly basis: 'none'; readonly reason: string };

const unknownChannel: ChannelResolution = {
  channel: undefined,
  source: 'unknown',
  basis: 'none',
  reason: 'nothing in the payment tells its channel',
};

/** A BIC of 8 characters is its primary office: the same institution as with the branch `XXX`. */
function fullBic(bic: string): string {
  return bic.length === 8 ? `${bic}XXX` : bic;
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** The evidence a `PaymentRecord` carries. */
export function channelEvidenceOfRecord(record: PaymentRecord): ChannelEvidence {
  return {
    channel: record.channel,
    merchantCategory: record.merchantCategory,
    cryptoRiskTags: record.cryptoRiskTags,
    payeeDocument: record.payeeDocument,
    instructionCodes: record.instructionCodes,
    localInstrument: record.localInstrument,
    payerAgentBic: record.payer.agentBic,
    payeeAgentBic: record.payee.agentBic,
    purpose: record.purpose,
    categoryPurpose: record.categoryPurpose,
  };
}

/** The evidence a `payment.sent` event carries (`toPaymentEvent`'s keys). */
export function channelEvidenceOfEvent(event: Pick<EngineEvent, 'data' | 'entities'>): ChannelEvidence {
  const data = event.data;
  return {
    channel: text(data.channel),
    merchantCategory: text(data.merchant_category),
    cryptoRiskTags: Array.isArray(data.crypto_risk_tags) ? data.crypto_risk_tags : undefined,
    payeeDocument: text(event.entities.payee_document),
    instructionCodes: Array.isArray(data.instruction_codes) ? data.instruction_codes : undefined,
    localInstrument: text(data.local_instrument),
    payerAgentBic: text(data.payer_agent_bic),
    payeeAgentBic: text(data.payee_agent_bic),
    purpose: text(data.purpose),
    categoryPurpose: text(data.category_purpose),
  };
}

/**
 * Builds the channel resolver for one settings object (the maps are read once, not per payment).
 * A payment's channel is, in order:
 *
 * 1. the channel it declares (`source: 'declared'`);
 * 2. implied by a field only one channel carries: a merchant category (card), crypto risk tags
 *    (crypto), a pick-up identity document (cash pick-up);
 * 3. a code in `instrument_channels`: a creditor-agent instruction (`InstrForCdtrAgt/Cd`, MT103
 *    23E; ISO Instruction3Code `HOLD` = "hold cash for creditor"), else the local instrument
 *    (`PmtTpInf/LclInstrm`; ISO ExternalLocalInstrument1Code `CARD` = card clearing, `POS` =
 *    point-of-sale, `CPP` = cash per post, paid out in cash);
 * 4. the debtor agent's BIC, else the creditor agent's, on `agent_channels` (a BIC prefix of a
 *    money-transfer operator or wallet provider the operator lists; the longest prefix wins);
 * 5. the purpose, else the category purpose, in `purpose_channels` (ISO purpose codes say why
 *    money moves, not how; a source's proprietary codes may say how);
 *
 * else it is unknown (`source: 'unknown'`): never guessed. Pure.
 */
export function channelResolverFor(settings: OcseSettings): (evidence: ChannelEvidence) => ChannelResolution {
  const instrumentChannels = new Map(Object.entries(settings.instrument_channels));
  const agentChannels = new Map(Object.entries(settings.agent_channels));
  const prefixLengths = [...new Set([...agentChannels.keys()].map((prefix) => prefix.length))].sort((a, b) => b - a);
  const purposeChannels = new Map(Object.entries(settings.purpose_channels));

  const agentMatch = (bic: string | undefined): { prefix: string; channel: string } | undefined => {
    if (bic === undefined || prefixLengths.length === 0) return undefined;
    const full = fullBic(bic);
    for (const length of prefixLengths) {
      if (length > full.length) continue;
      const prefix = full.slice(0, length);
      const channel = agentChannels.get(prefix);
      if (channel !== undefined) return { prefix, channel };
    }
    return undefined;
  };

  return (evidence) => {
    if (evidence.channel !== undefined) {
      return { channel: evidence.channel, source: 'declared', basis: 'declared', reason: 'declared by the payment' };
    }
    if (evidence.merchantCategory !== undefined) {
      return {
        channel: 'card',
        source: 'inferred',
        basis: 'merchant_category',
        reason: 'a merchant category (only card payments carry one)',
      };
    }
    if (evidence.cryptoRiskTags !== undefined && evidence.cryptoRiskTags.length > 0) {
      return {
        channel: 'crypto',
        source: 'inferred',
        basis: 'crypto_risk_tags',
        reason: 'crypto risk tags (only crypto transfers carry them)',
      };
    }
    if (evidence.payeeDocument !== undefined) {
      return {
        channel: 'cash_pickup',
        source: 'inferred',
        basis: 'payee_document',
        reason: "the receiver's identity document (only cash pick-ups carry one)",
      };
    }
    for (const code of evidence.instructionCodes ?? []) {
      const channel = typeof code === 'string' ? instrumentChannels.get(code) : undefined;
      if (channel !== undefined) {
        return {
          channel,
          source: 'inferred',
          basis: 'instruction_code',
          reason: `instruction code ${code} → ${channel} (instrument_channels)`,
        };
      }
    }
    const instrument = evidence.localInstrument;
    const byInstrument = instrument === undefined ? undefined : instrumentChannels.get(instrument);
    if (byInstrument !== undefined) {
      return {
        channel: byInstrument,
        source: 'inferred',
        basis: 'local_instrument',
        reason: `local instrument ${instrument} → ${byInstrument} (instrument_channels)`,
      };
    }
    for (const [side, bic] of [
      ['debtor', evidence.payerAgentBic],
      ['creditor', evidence.payeeAgentBic],
    ] as const) {
      const match = agentMatch(bic);
      if (match !== undefined) {
        return {
          channel: match.channel,
          source: 'inferred',
          basis: side === 'debtor' ? 'debtor_agent' : 'creditor_agent',
          reason: `${side} agent BIC ${bic} matches ${match.prefix} → ${match.channel} (agent_channels)`,
        };
      }
    }
    for (const [basis, code] of [
      ['purpose', evidence.purpose],
      ['category_purpose', evidence.categoryPurpose],
    ] as const) {
      const channel = code === undefined ? undefined : purposeChannels.get(code);
      if (channel !== undefined) {
        const name = basis === 'purpose' ? 'purpose' : 'category purpose';
        return { channel, source: 'inferred', basis, reason: `${name} ${code} → ${channel} (purpose_channels)` };
      }
    }
    return unknownChannel;
  };
}

/**
 * The channel of one payment (a record, or the evidence fields of one), declared or inferred,
 * with the reason; `source: 'unknown'` when nothing tells it. See `channelResolverFor` for the
 * order; for many payments build the resolver once.
 *
 * @example inferChannel({ instructionCodes: ['HOLD'] }, defaultOcseSettings).channel // 'cash_pickup'
 */
export function inferChannel(payment: PaymentRecord | ChannelEvidence, settings: OcseSettings): ChannelResolution {
  const evidence = 'payer' in payment ? channelEvidenceOfRecord(payment) : payment;
  return channelResolverFor(settings)(evidence);
}
