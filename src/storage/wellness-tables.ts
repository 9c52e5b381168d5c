import type { Generated } from 'kysely';

/**
 * The wellness tables (migration `0013_wellness`), typed apart so that the wellness repository
 * sees only its own. Times are ISO-8601 UTC text; 64-bit integers come back as numbers.
 */
export type WellnessDatabase = {
  wellness_settings: WellnessSettingsTable;
  media_reveals: MediaRevealsTable;
};

/** Organisation (`org`) and personal (`person:<login>`) settings, one JSON value per name. */
export type WellnessSettingsTable = {
  scope: string;
  name: string;
  value_json: string;
  updated_at: string;
  updated_by: string;
};

/** One granted reveal; `served_at` is set once, when its link is used. */
export type MediaRevealsTable = {
  id: Generated<number>;
  token_digest: string;
  login: string;
  case_id: number;
  item_id: string;
  revealed_at: string;
  expires_at: string;
  seconds: number;
  served_at: string | null;
};
