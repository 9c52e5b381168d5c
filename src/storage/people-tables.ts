import type { Generated, SqlBool } from 'kysely';

/** The console's people tables (migration 0010), as Kysely sees them. */
export type PeopleDatabase = {
  people: {
    id: Generated<number>;
    login: string;
    display_name: string;
    /** Comma-separated role names, sorted. */
    roles: string;
    password_hash: string | null;
    child_safety_opt_in_at: string | null;
    disabled: SqlBool;
    created_at: string;
  };
  person_sessions: {
    token_digest: string;
    person_id: number;
    csrf_token: string;
    method: string;
    created_at: string;
    last_seen_at: string;
    expires_at: string;
  };
};
