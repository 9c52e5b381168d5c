/** Composition: wiring storage, services and transports together (used by `main` and tests). */

export { createServices, type Services, type StorageSettings } from './create-services.js';
export { type CybertipReporting, type CybertipSettings, cybertipClientFromSettings } from './cybertip-reporting.js';
export { builtinPacks } from './rule-packs.js';
