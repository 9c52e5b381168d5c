/**
 * Payment-reference ("cover story") categories from the guidance (F05): words that give a
 * plausible, generic family reason, or a reference that names an online account instead of a
 * purpose. English plus common Tagalog/Cebuano spellings seen in the corridor. Lists are data an
 * operator can extend; no explicit-content term is stored here: FIUs share those lists under
 * confidentiality (category C8), and an operator loads them as private configuration
 * (`ocse_payments.settings.private_keywords`).
 *
 * Sources: AUSTRAC-24, AUSTRAC-25 (accommodation, uniform, medical bills), FATF-25 (family
 * support, medical, education, handles), Egmont-20 / ACAMS recipe (gift/treat/birthday/invoice/
 * expenses/fees).
 */
export type ReferenceCategory =
  | 'education'
  | 'medical'
  | 'housing'
  | 'gift'
  | 'generic_business'
  | 'family_support'
  | 'handle_or_empty'
  | 'other';

export const defaultReferenceWords: Readonly<
  Record<Exclude<ReferenceCategory, 'handle_or_empty' | 'other'>, readonly string[]>
> = {
  education: ['school', 'fees', 'tuition', 'uniform', 'books', 'eskwela', 'matrikula', 'libro', 'baon', 'project'],
  medical: ['hospital', 'medicine', 'medical', 'doctor', 'bills', 'gamot', 'ospital', 'tambal', 'checkup'],
  housing: ['rent', 'accommodation', 'electricity', 'load', 'topup', 'top-up', 'water', 'upa', 'kuryente', 'bayad'],
  gift: ['gift', 'treat', 'birthday', 'allowance', 'regalo', 'pasalubong', 'bday', 'present'],
  generic_business: ['invoice', 'fee', 'expenses', 'payment', 'services', 'service', 'order'],
  family_support: ['family', 'support', 'pamilya', 'tabang', 'help', 'tulong'],
};

const handlePattern = /^\s*@?[a-z0-9_.]{3,30}\s*$/i;
const wordPattern = /[\p{L}\p{N}-]+/gu;

/**
 * The category of a remittance text: the first category with a word in the text; `handle_or_empty`
 * for an empty reference, emoji or punctuation only, or a bare online handle (`@name`, `name_123`
 * with a digit or an underscore); else `other`.
 */
export function referenceCategory(
  text: string | undefined,
  words: Readonly<Record<string, readonly string[]>> = defaultReferenceWords,
): ReferenceCategory {
  if (text === undefined) return 'handle_or_empty';
  const tokens = text.toLowerCase().match(wordPattern) ?? [];
  if (tokens.length === 0) return 'handle_or_empty';
  for (const [category, list] of Object.entries(words)) {
    for (const token of tokens) if (list.includes(token)) return category as ReferenceCategory;
  }
  const trimmed = text.trim();
  if (handlePattern.test(trimmed) && (trimmed.startsWith('@') || /[0-9_]/.test(trimmed))) return 'handle_or_empty';
  return 'other';
}
