import type { PaymentParty } from '../payments/index.js';
import type { ReportCase, ReportSubject } from './report-case.js';

/** Finds the subject an account belongs to (by `SubjectAccount.id`), across a case's subjects. */
export function subjectsByAccount(input: ReportCase): ReadonlyMap<string, ReportSubject> {
  const map = new Map<string, ReportSubject>();
  for (const subject of input.subjects) {
    for (const account of subject.accounts) map.set(account.id, subject);
  }
  return map;
}

/** A party's name split for formats that want first and last names apart. */
export interface SplitName {
  readonly firstName?: string;
  readonly lastName?: string;
}

/**
 * Splits a full name as a payment carries it (`PaymentParty.name`) for a party KYC does not
 * cover: the last word is the last name, the words before it the first name. A single word is
 * taken as the last name. This is a best effort for counterparties; subjects' names come split
 * from KYC and are never guessed.
 */
export function splitFullName(name: string | undefined): SplitName {
  const words = (name ?? '').trim().split(/\s+/).filter(Boolean);
  if (words.length === 0) return {};
  const lastName = words[words.length - 1] as string;
  return words.length === 1 ? { lastName } : { firstName: words.slice(0, -1).join(' '), lastName };
}

/** The side a subject's accounts are on in a payment: `payer`, `payee`, both or neither. */
export function subjectSides(subject: ReportSubject, payer: PaymentParty, payee: PaymentParty): Set<'payer' | 'payee'> {
  const ids = new Set(subject.accounts.map((account) => account.id));
  const sides = new Set<'payer' | 'payee'>();
  if (ids.has(payer.account)) sides.add('payer');
  if (ids.has(payee.account)) sides.add('payee');
  return sides;
}
