/** One validated configuration: every `PREVAIL_*` setting, read once at the composition root. */
export {
  actionSecretVariable,
  defaultSettings,
  type Environment,
  isAddressOrRange,
  readSettings,
  type Settings,
  settingVariables,
} from './settings.js';
