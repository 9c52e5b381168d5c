import type { BuiltinRule } from '../builtin-rule.js';
import { manyDevicesPerAccount } from './many-devices-per-account/rule.js';

/**
 * Every built-in rule Prevail ships, one folder each. Ids are storage keys: a test fails if one
 * disappears. Add new rule packs here.
 */
export const builtinRules: readonly BuiltinRule[] = [manyDevicesPerAccount];
