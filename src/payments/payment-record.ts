/**
 * One payment as every payments input (ISO 20022 pacs.008 / pain.001, Tazama's pacs.008 JSON,
 * CSV, JSONL) produces it and the scenario generator writes it: the common shape between the
 * parsers, the generator and the engine's `payment.sent` event. Amounts are in the currency's
 * major unit; countries ISO 3166-1 alpha-2; currencies ISO 4217; times ISO-8601 with the offset
 * the payer's channel recorded (the payer's local hour comes from it).
 *
 * Names and birth data travel with the record for reports (goAML, FinCEN); the OCSE rules read
 * names only to withhold an inference (a payee sharing the payer's surname may be family: F03's
 * behavioural path does not fire), never to raise a score, and never infer ethnicity from anything.
 */
export interface PaymentRecord {
  /** Unique transaction id (pacs.008 `TxId`, else `EndToEndId`); the event id is derived from it. */
  readonly id: string;
  /** When the payer made it: ISO-8601 with a UTC offset, e.g. `2026-03-01T23:40:00+10:00`. */
  readonly time: string;
  readonly payer: PaymentParty;
  readonly payee: PaymentParty;
  /** Positive, in `currency`'s major unit (the instructed amount). */
  readonly amount: number;
  readonly currency: string;
  /** The payer's local hour 0–23, from `time`'s offset; absent when the offset is `Z` and unknown. */
  readonly localHour?: number;
  /** Unstructured remittance information (pacs.008 `RmtInf/Ustrd`, joined with a space). */
  readonly remittanceInfo?: string;
  /** ISO 20022 purpose code (`Purp/Cd`), e.g. `FAMI`, `EDUC`, `SALA`. */
  readonly purpose?: string;
  /**
   * ISO 20022 category purpose (`PmtTpInf/CtgyPurp/Cd`, else `/Prtry`), e.g. `SUPP`, `CASH`: how
   * the sending bank classed the transfer; the OCSE pack may map it to a channel (`purpose_channels`).
   */
  readonly categoryPurpose?: string;
  /**
   * ISO 20022 local instrument (`PmtTpInf/LclInstrm/Cd`, else `/Prtry`), e.g. `INST`, `CARD`, `CPP`:
   * the scheme's own kind of payment; a few codes say how the money moves (`instrument_channels`).
   */
  readonly localInstrument?: string;
  /** ISO 20022 service level (`PmtTpInf/SvcLvl/Cd`, else `/Prtry`), e.g. `SEPA`, `URGP`, `G001`. */
  readonly serviceLevel?: string;
  /**
   * Instructions for the banks along the chain, as codes: pacs.008 `InstrForCdtrAgt/Cd` (ISO
   * Instruction3Code: `CHQB`, `HOLD`, `PHOB`, `TELB`), MT103 field 23E (its code, without the
   * additional information). `HOLD` is "hold cash for the creditor": a cash pick-up.
   */
  readonly instructionCodes?: readonly string[];
  readonly channel?: PaymentChannel;
  /** The payer's declared relationship to the payee (remitter KYC), e.g. `parent`, `friend`, `none`. */
  readonly declaredRelationship?: string;
  /** For card payments: a merchant category from the operator's list, e.g. `VPN_ANON`, `TRAVEL`. */
  readonly merchantCategory?: string;
  /** For crypto payments: risk tags of the receiving address, from a screening provider. */
  readonly cryptoRiskTags?: readonly string[];
  /** The card, wallet or bank account that funded it (F11 counts distinct instruments). */
  readonly fundingInstrument?: string;
  /** Cash pick-up: the receiver's identity-document number (F15 counts names per document). */
  readonly payeeDocument?: string;
}

/** The payer or payee of a payment. */
export interface PaymentParty {
  /** Stable (pseudonymous) account id: the entity id in the engine. */
  readonly account: string;
  readonly name?: string;
  readonly country?: string;
  readonly type?: PartyType;
  /** `YYYY-MM-DD` (pacs.008 `PrvtId/DtAndPlcOfBirth/BirthDt`). */
  readonly birthDate?: string;
  /** ISO 3166-1 alpha-2 (pacs.008 `PrvtId/DtAndPlcOfBirth/CtryOfBirth`). */
  readonly birthCountry?: string;
  /**
   * The BIC of the party's bank or payment institution: pacs.008 `DbtrAgt`/`CdtrAgt`
   * `FinInstnId/BICFI`, MT103 52A/57A. Tells a money-transfer operator or a wallet provider
   * when the operator lists it (`agent_channels`).
   */
  readonly agentBic?: string;
}

/** A private person (`PrvtId`) or an organisation (`OrgId`). */
export type PartyType = 'individual' | 'organisation';

/** How the money moved. Strings are storage keys: never rename one. */
export const paymentChannels = [
  'bank_wire',
  'mto_online',
  'mto_agent',
  'p2p_wallet',
  'card',
  'gift_card',
  'crypto',
  'atm',
  'cash_pickup',
] as const;

export type PaymentChannel = (typeof paymentChannels)[number];
