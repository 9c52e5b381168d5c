import type { Random } from './random.js';

/**
 * Plainly fake names and benign payment references. Every person is "Test <Role> <number>
 * <Surname>" with a tree or colour surname, every organisation "Test <Kind> <number>"; nothing
 * resembles a real person. References are everyday words ("school fees", "invoice 4821",
 * "@user4821"); no explicit term exists anywhere in the generator.
 */

/** Fake surnames; sharing one is how the sibling groups are recognisable to an analyst. */
export const surnames: readonly string[] = [
  'Alder',
  'Birch',
  'Cedar',
  'Elm',
  'Fir',
  'Hazel',
  'Juniper',
  'Larch',
  'Maple',
  'Oak',
  'Pine',
  'Rowan',
  'Spruce',
  'Willow',
  'Amber',
  'Cobalt',
  'Indigo',
  'Jade',
  'Ochre',
  'Russet',
  'Saffron',
  'Teal',
  'Umber',
  'Violet',
];

/**
 * Reference words by the cover-story categories of indicator F05 (C1–C7). Legitimate families use
 * the same words every day, which is the point: the category alone tells little.
 */
export const referenceCategories = {
  education: ['school fees', 'uniform', 'tuition', 'books', 'school project'],
  medical: ['hospital', 'medicine', 'doctor bills', 'check-up'],
  housing: ['rent', 'electricity', 'load', 'water bill', 'accommodation'],
  gift: ['gift', 'birthday gift', 'treat', 'allowance', 'birthday'],
  business: ['invoice', 'fee', 'payment', 'services', 'expenses'],
  family: ['family support', 'for mom', 'household', 'groceries', 'padala', 'monthly support', 'for the kids'],
} as const;

/** A reference category name (F05 C1–C6; C7 handles and empty references are chosen apart). */
export type ReferenceCategory = keyof typeof referenceCategories;

/** A handle-like reference, `@user4821`. */
export function handle(random: Random): string {
  return `@user${random.integer(1000, 9999)}`;
}

/** A reference from `category`, sometimes with a number appended as people do ("invoice 552"). */
export function categoryReference(random: Random, category: ReferenceCategory): string {
  const words = random.pick(referenceCategories[category]);
  if (category === 'business' && random.chance(0.6)) return `${words} ${random.integer(100, 9999)}`;
  return words;
}
