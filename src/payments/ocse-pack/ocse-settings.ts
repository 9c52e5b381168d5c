import { z } from 'zod';
import { describeIssues, EngineError } from '../../core/index.js';
import { defaultCorridorCountries } from '../../packs/index.js';
import { paymentChannels } from '../payment-record.js';
import { defaultUsdRates } from './exchange-rates.js';
import { defaultReferenceWords } from './reference-categories.js';

const country = z.string().regex(/^[A-Z]{2}$/, 'expected an ISO 3166-1 alpha-2 country code');

/**
 * The pack-level settings of the OCSE payments pack: what makes one payment an F01 payment, and
 * the data lists (corridors, rates, dictionaries, merchant and crypto tags) the indicators read.
 * Rule thresholds (counts, shares, windows) are per-rule configuration in `builtin-rules.yaml`;
 * these are the facts every rule and feature shares, so they live in one place.
 *
 * Defaults are the note's (`ocse-financial-indicators.md`); `version` moves with them.
 */
export const ocseSettingsSchema = z.strictObject({
  /** High-risk OCSE receiving countries (F01). */
  corridors: z.array(country).min(1),
  /** F01 amount band in US dollars: AUSTRAC A$10–A$500 ≈ USD 10–330, FINTRAC under $200, FATF €10–€200. */
  small_payment_usd: z.tuple([z.number().nonnegative(), z.number().positive()]),
  /** US dollars per currency unit. */
  usd_rates: z.record(z.string().regex(/^[A-Z]{3}$/), z.number().positive()),
  /** F04: local hours counted as night, `[from, to)` wrapping midnight (FATF-25: 22–06). */
  night_hours: z.tuple([z.number().int().min(0).max(23), z.number().int().min(0).max(23)]),
  /** F03: declared relationships that give no family or personal link (plus a missing one). */
  unrelated_relationships: z.array(z.string()),
  /** F05: cover-story dictionaries, category → words. */
  reference_words: z.record(z.string(), z.array(z.string())),
  /** F05 C8: the FIU's confidential keyword list; empty in the repository, loaded privately. */
  private_keywords: z.array(z.string().min(2)),
  /** F08: merchant categories of anonymity, capture and live-stream services. */
  risky_merchant_categories: z.array(z.string()),
  /** F12: address tags that are direct exposure (alert-level) and indirect (a signal). */
  crypto_direct_tags: z.array(z.string()),
  crypto_indirect_tags: z.array(z.string()),
  /** F16/F17: a payer younger than this (from the KYC birth date) counts as young. */
  young_age_years: z.number().int().min(12).max(30),
  /** F16: channels a sextortion victim is told to use. */
  victim_channels: z.array(z.string()),
  /** F15: channels that take money out as cash. */
  cash_out_channels: z.array(z.string()),
  /**
   * Channel inference: purpose code (`Purp/Cd` or proprietary `Purp/Prtry`, MT103 26T) or category
   * purpose (`PmtTpInf/CtgyPurp`) → the channel it implies, for payments that state no channel.
   * ISO purpose codes say why money moves, not how, so the default is empty; map a source's own
   * proprietary codes here.
   */
  purpose_channels: z.record(z.string().min(1), z.enum(paymentChannels)),
  /**
   * A trained payer model (`prevail payments train --out`), relative to the policy directory.
   * With one, the pack adds the `ocse_model_payer` rule and typology (shadow until promoted in
   * `builtin-rules.yaml`); without one, neither exists.
   */
  payer_model_file: z.string().min(1).max(4096).optional(),
  /**
   * Channel inference: a creditor-agent instruction code (`InstrForCdtrAgt/Cd`, MT103 23E) or a
   * local instrument (`PmtTpInf/LclInstrm/Cd` or `/Prtry`) → the channel it implies. The defaults
   * are the ISO codes whose definition names the channel: Instruction3Code `HOLD` (hold cash for
   * the creditor, pay on identification) and ExternalLocalInstrument1Code `CPP` (cash per post,
   * paid out in cash) → cash pick-up; `CARD` (card clearing) and `POS` (point-of-sale) → card.
   */
  instrument_channels: z.record(z.string().min(1), z.enum(paymentChannels)),
  /**
   * Channel inference: a BIC prefix (4 to 11 letters or digits: the institution `TEST`, or
   * institution, country and location `TESTGB2L`, or a whole BIC) of a money-transfer operator's or
   * wallet provider's agent → its channel, read from the debtor agent (`DbtrAgt`, MT103 52A), else
   * the creditor agent (`CdtrAgt`, 57A); the longest prefix wins. Empty by default: which BICs are
   * MTOs or wallets is the operator's knowledge, e.g. `{ TESTGB2M: mto_online, TESTPH2W: p2p_wallet }`.
   */
  agent_channels: z.record(
    z.string().regex(/^[A-Z0-9]{4,11}$/, 'expected a BIC prefix of 4 to 11 capital letters or digits'),
    z.enum(paymentChannels),
  ),
});

export type OcseSettings = z.output<typeof ocseSettingsSchema>;

/** Bumped whenever a default below changes (2: `purpose_channels`; 3: `instrument_channels`, `agent_channels`). */
export const ocseSettingsVersion = 3;

export const defaultOcseSettings: OcseSettings = {
  corridors: [...defaultCorridorCountries],
  small_payment_usd: [10, 350],
  usd_rates: { ...defaultUsdRates },
  night_hours: [22, 6],
  unrelated_relationships: ['none', 'friend', 'other', 'acquaintance', 'business', 'unknown'],
  reference_words: Object.fromEntries(Object.entries(defaultReferenceWords).map(([key, list]) => [key, [...list]])),
  private_keywords: [],
  risky_merchant_categories: ['VPN_ANON', 'SPY_CAPTURE', 'LIVESTREAM_WEBCAM', 'DATING', 'FILE_HOSTING'],
  crypto_direct_tags: ['CSAM_VENDOR'],
  crypto_indirect_tags: ['DARKNET_MARKET', 'MIXER', 'PRIVACY_COIN_SWAP', 'HIGH_RISK_P2P', 'KIOSK'],
  young_age_years: 21,
  victim_channels: ['gift_card', 'p2p_wallet', 'crypto', 'mto_online'],
  cash_out_channels: ['atm', 'cash_pickup'],
  purpose_channels: {},
  instrument_channels: { HOLD: 'cash_pickup', CPP: 'cash_pickup', CARD: 'card', POS: 'card' },
  agent_channels: {},
};

/**
 * The defaults with `overrides` (from `packs.yaml`) merged on top, key by key, validated.
 * @throws EngineError CONFIG_INVALID naming each bad setting.
 */
export function resolveOcseSettings(overrides: unknown = {}): OcseSettings {
  const merged =
    typeof overrides === 'object' && overrides !== null && !Array.isArray(overrides)
      ? { ...defaultOcseSettings, ...overrides }
      : overrides;
  const parsed = ocseSettingsSchema.safeParse(merged);
  if (!parsed.success) {
    throw new EngineError(
      'CONFIG_INVALID',
      `ocse_payments settings are invalid: ${describeIssues(parsed.error.issues, '(settings)')}`,
    );
  }
  return parsed.data;
}
