import type { RuleCatalogs } from '../../src/rules/index.js';

/**
 * The synthetic catalogs every rules test checks against: a few event types (some with their
 * data fields listed, `account.updated` open), features, labels, typologies and entity roles.
 */
export const testCatalogs: RuleCatalogs = {
  eventTypes: {
    'session.started': { dataFields: ['kind', 'visibility', 'viewer_count', 'country'] },
    'payment.sent': {
      dataFields: ['amount', 'currency', 'payer_country', 'payee_country', 'purpose', 'local_hour'],
    },
    'message.sent': { dataFields: ['text', 'lexicon_hits'] },
    'media.matched': { dataFields: ['matches', 'signals'] },
    'account.updated': {},
    'media.uploaded': { dataFields: ['content_type', 'signals'] },
  },
  features: {
    payments_to_host_30m: { type: 'int' },
    payment_amount_sum_24h: { type: 'double' },
    user_distinct_devices_24h: { type: 'int' },
    distinct_payers_7d: { type: 'int' },
  },
  labels: ['stream_watch', 'payment_watch', 'known_good'],
  typologies: ['livestream_payment_pattern', 'small_cross_border_payments'],
  entityRoles: ['user', 'stream', 'device', 'ip', 'payment_account', 'payee_account', 'recipient', 'conversation'],
};
