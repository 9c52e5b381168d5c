/**
 * A nominal ("branded") type: a `string` or `number` that the type checker keeps apart from
 * other strings, so that, for example, a PDQ hash cannot be passed where an MD5 is expected.
 * Values only get the brand from the parser that validated them.
 */
export type Brand<Base, Name extends string> = Base & { readonly __brand: Name };
