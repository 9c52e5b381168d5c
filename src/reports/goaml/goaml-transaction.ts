import { EngineError } from '../../core/index.js';
import type { PaymentParty } from '../../payments/index.js';
import { splitFullName } from '../case-parties.js';
import type { ReportSubject, SuspiciousPayment } from '../report-case.js';
import { fitLongText, fitSingleLine, formatDecimal } from '../text-fitting.js';
import { element, optionalTextElement, textElement, type XmlElement } from '../xml-writer.js';
import type { GoamlConfig } from './goaml-config.js';
import {
  goamlCounterpartyAccount,
  goamlCounterpartyEntity,
  goamlCounterpartyPerson,
  goamlSubjectPerson,
} from './goaml-parties.js';
import { type GoamlClock, goamlCommentLimit } from './goaml-values.js';

/** What a transaction needs besides the payment: the config, the clock, the local currency, the subjects. */
export interface GoamlTransactionContext {
  readonly config: GoamlConfig;
  readonly clock: GoamlClock;
  readonly localCurrency: string;
  readonly subjects: ReadonlyMap<string, ReportSubject>;
}

type Role = 'payer' | 'payee';

/** The side of a payment that is the reporting entity's client, per `myClientSide`. */
export function ownClientRole(config: GoamlConfig): Role {
  return config.myClientSide === 'sender' ? 'payer' : 'payee';
}

/** What kind of goAML party element a payment party became; `naming` turns it into the element name. */
export type GoamlPartyKind = 'person' | 'account' | 'entity';

/**
 * A payment party as a goAML person, account or entity element, named by `naming` (`from_person`,
 * `to_account`, `person`…): the subject's KYC when the account is a subject's, the counterparty's
 * account when known and the party is not the own client, an organisation as an entity, anyone
 * else as a person named from the payment.
 */
export function goamlPaymentParty(
  naming: (kind: GoamlPartyKind) => string,
  party: PaymentParty,
  options: {
    readonly ownClient: boolean;
    readonly subject: ReportSubject | undefined;
    readonly account: SuspiciousPayment['counterpartyAccount'];
  },
  context: GoamlTransactionContext,
  field: string,
): XmlElement {
  const { config } = context;
  const { subject, ownClient } = options;
  const organisation = subject === undefined && party.type === 'organisation';
  const holder = (name: string): XmlElement => {
    if (subject !== undefined) return goamlSubjectPerson(name, subject.person, ownClient, config, field);
    if (organisation) return goamlCounterpartyEntity(name, party.name, config);
    return goamlCounterpartyPerson(name, splitFullName(party.name), party.birthDate, config, field);
  };
  if (!ownClient && options.account !== undefined) {
    const displayName =
      subject !== undefined
        ? `${subject.person.firstName} ${subject.person.lastName}`
        : party.name?.trim() || undefined;
    return goamlCounterpartyAccount(naming('account'), options.account, {
      kind: organisation ? 'entity' : 'person',
      element: holder(organisation ? 't_entity' : 't_person'),
      ...(displayName === undefined ? {} : { displayName }),
    });
  }
  return holder(naming(organisation ? 'entity' : 'person'));
}

function partyCountry(party: PaymentParty, subject: ReportSubject | undefined, field: string): string {
  const country = party.country ?? subject?.person.country;
  if (country === undefined) {
    throw new EngineError('REQUEST_INVALID', `${field}: goAML needs the party's country and the payment has none`);
  }
  return country;
}

/** The payment's amount in the local currency: given, or the amount itself when already local. */
export function localAmount(payment: SuspiciousPayment, localCurrency: string, field: string): number {
  if (payment.amountLocal !== undefined) return payment.amountLocal;
  if (payment.record.currency === localCurrency) return payment.record.amount;
  throw new EngineError(
    'REQUEST_INVALID',
    `${field}.amountLocal: the payment is in ${payment.record.currency}, so its amount in ${localCurrency} must be given`,
  );
}

function describe(payment: SuspiciousPayment): string {
  const { record } = payment;
  const parts = [
    `${record.channel ?? 'payment'} from ${record.payer.country ?? 'an unknown country'} to ${record.payee.country ?? 'an unknown country'}`,
  ];
  if (record.remittanceInfo !== undefined && record.remittanceInfo.trim() !== '') {
    parts.push(`remittance information: ${record.remittanceInfo.trim()}`);
  }
  if (record.purpose !== undefined) parts.push(`purpose code ${record.purpose}`);
  return fitLongText(parts.join('; '), goamlCommentLimit);
}

/**
 * One suspicious payment as a goAML `transaction` in the bi-party form, elements in the goAML
 * 5.0.1 order: number, location, description, date (in the FIU's time zone), transmode, local
 * amount, then `t_from_my_client`/`t_from` and `t_to_my_client`/`t_to`. The side named by
 * `myClientSide` uses the `_my_client` form when its account is a subject's; every other party
 * uses the plain form. A payment in another currency than the local one carries
 * `from_foreign_currency` (its amount and the rate local ÷ foreign).
 *
 * @throws EngineError `REQUEST_INVALID` for a missing local amount or party country, an own
 *   client lacking required KYC, or a payment id over 100 characters.
 */
export function goamlTransaction(
  payment: SuspiciousPayment,
  index: number,
  context: GoamlTransactionContext,
): XmlElement {
  const { config, clock, localCurrency, subjects } = context;
  const { record } = payment;
  const field = `payments.${index}`;
  if ([...record.id].length > 100) {
    throw new EngineError(
      'REQUEST_INVALID',
      `${field}.record.id: goAML transaction numbers hold at most 100 characters`,
    );
  }
  const amountLocal = localAmount(payment, localCurrency, field);
  const channelCode = (codes: GoamlConfig['transmodeCodes']): string =>
    (record.channel === undefined ? undefined : codes[record.channel]) ?? config.unmappedChannelCode;
  const ownRole = ownClientRole(config);

  const side = (role: Role): XmlElement => {
    const party = role === 'payer' ? record.payer : record.payee;
    const prefix = role === 'payer' ? 'from' : 'to';
    const subject = subjects.get(party.account);
    const ownClient = role === ownRole && subject !== undefined;
    const partyField = `${field}.record.${role}`;
    const foreign =
      role === 'payer' &&
      record.currency !== localCurrency &&
      element('from_foreign_currency', [
        textElement('foreign_currency_code', record.currency),
        textElement('foreign_amount', formatDecimal(record.amount, config.amountDecimals)),
        textElement('foreign_exchange_rate', formatDecimal(amountLocal / record.amount, 6)),
      ]);
    return element(ownClient ? `t_${prefix}_my_client` : `t_${prefix}`, [
      textElement(`${prefix}_funds_code`, channelCode(role === 'payer' ? config.fromFundsCodes : config.toFundsCodes)),
      foreign,
      goamlPaymentParty(
        (kind) => `${prefix}_${kind}`,
        party,
        { ownClient, subject, account: payment.counterpartyAccount },
        context,
        partyField,
      ),
      textElement(`${prefix}_country`, partyCountry(party, subject, partyField)),
    ]);
  };

  return element('transaction', [
    textElement('transactionnumber', record.id),
    textElement('transaction_location', config.transactionLocation),
    textElement('transaction_description', describe(payment)),
    textElement('date_transaction', clock.dateTime(record.time, `${field}.record.time`)),
    textElement('transmode_code', channelCode(config.transmodeCodes)),
    optionalTextElement(
      'transmode_comment',
      record.channel === undefined ? undefined : fitSingleLine(record.channel, 50),
    ),
    textElement('amount_local', formatDecimal(amountLocal, config.amountDecimals)),
    side('payer'),
    side('payee'),
  ]);
}
