import canonicalize from 'canonicalize';

/**
 * The canonical form the audit chain hashed before RFC 8785 (JSON with object keys sorted by
 * UTF-16 code units at every level, `JSON.stringify` for every leaf). Kept because stored chains
 * were hashed with it: it is what an entry RFC 8785 cannot express is still hashed and verified
 * with (see `canonicalJson`). Do not use it for anything new.
 */
export function legacyCanonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(legacyCanonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, item]) => item !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${legacyCanonicalJson(item)}`).join(',')}}`;
}

/**
 * JSON in the RFC 8785 canonical form (JSON Canonicalization Scheme, through the `canonicalize`
 * library), so that equal values hash equally and anyone can recompute an audit hash with an
 * off-the-shelf JCS implementation.
 *
 * Compatibility with chains hashed before RFC 8785: on every value RFC 8785 accepts that a
 * stored entry can hold (what `JSON.parse` gives back: text, finite numbers, booleans, null,
 * arrays, plain objects), its output is byte for byte the earlier form (`legacyCanonicalJson`);
 * a property test keeps it so. The values RFC 8785 refuses — text with a lone UTF-16 surrogate,
 * numbers that are not finite — were accepted before, so for those (and only those) the earlier
 * form is used, at recording and at verification alike: no stored chain stops verifying, and no
 * action that was recorded before is refused now. Objects with `toJSON` (a `Date` in a detail)
 * are canonicalised as they are stored (`JSON.stringify` calls `toJSON` too), which the earlier
 * form did not do (it hashed a `Date` as `{}`, so such an entry never verified).
 */
export function canonicalJson(value: unknown): string {
  let text: string | undefined;
  try {
    text = canonicalize(value);
  } catch {
    return legacyCanonicalJson(value);
  }
  return text ?? 'null';
}
