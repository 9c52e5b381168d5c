import type { Kysely, Selectable } from 'kysely';
import type { NewReveal, RevealRecord, SettingsScope, WellnessRepository } from '../wellness/index.js';
import type { MediaRevealsTable, WellnessDatabase } from './wellness-tables.js';

function toReveal(row: Selectable<MediaRevealsTable>): RevealRecord {
  return {
    id: Number(row.id),
    login: row.login,
    caseId: Number(row.case_id),
    itemId: row.item_id,
    revealedAt: row.revealed_at,
    expiresAt: row.expires_at,
    seconds: Number(row.seconds),
    servedAt: row.served_at,
  };
}

/** The wellness store on SQLite and PostgreSQL (the same queries on both). */
export class KyselyWellnessRepository implements WellnessRepository {
  constructor(private readonly db: Kysely<WellnessDatabase>) {}

  async getSettings(scope: SettingsScope, name: 'preferences' | 'limits'): Promise<unknown> {
    const row = await this.db
      .selectFrom('wellness_settings')
      .select('value_json')
      .where('scope', '=', scope)
      .where('name', '=', name)
      .executeTakeFirst();
    return row === undefined ? undefined : JSON.parse(row.value_json);
  }

  async putSettings(
    scope: SettingsScope,
    name: 'preferences' | 'limits',
    value: unknown,
    at: string,
    by: string,
  ): Promise<void> {
    const valueJson = JSON.stringify(value);
    await this.db
      .insertInto('wellness_settings')
      .values({ scope, name, value_json: valueJson, updated_at: at, updated_by: by })
      .onConflict((conflict) =>
        conflict.columns(['scope', 'name']).doUpdateSet({ value_json: valueJson, updated_at: at, updated_by: by }),
      )
      .execute();
  }

  async addReveal(reveal: NewReveal): Promise<RevealRecord> {
    const row = await this.db
      .insertInto('media_reveals')
      .values({
        token_digest: reveal.tokenDigest,
        login: reveal.login,
        case_id: reveal.caseId,
        item_id: reveal.itemId,
        revealed_at: reveal.revealedAt,
        expires_at: reveal.expiresAt,
        seconds: reveal.seconds,
        served_at: null,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    return toReveal(row);
  }

  async serveReveal(tokenDigest: string, at: string): Promise<RevealRecord | undefined> {
    const result = await this.db
      .updateTable('media_reveals')
      .set({ served_at: at })
      .where('token_digest', '=', tokenDigest)
      .where('served_at', 'is', null)
      .where('expires_at', '>', at)
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) !== 1) return undefined;
    return this.findReveal(tokenDigest);
  }

  async findReveal(tokenDigest: string): Promise<RevealRecord | undefined> {
    const row = await this.db
      .selectFrom('media_reveals')
      .selectAll()
      .where('token_digest', '=', tokenDigest)
      .executeTakeFirst();
    return row === undefined ? undefined : toReveal(row);
  }

  async revealsOf(login: string, since: string): Promise<RevealRecord[]> {
    const rows = await this.db
      .selectFrom('media_reveals')
      .selectAll()
      .where('login', '=', login)
      .where('revealed_at', '>=', since)
      .orderBy('revealed_at')
      .orderBy('id')
      .execute();
    return rows.map(toReveal);
  }

  async revealsBetween(since: string, until: string): Promise<RevealRecord[]> {
    const rows = await this.db
      .selectFrom('media_reveals')
      .selectAll()
      .where('revealed_at', '>=', since)
      .where('revealed_at', '<', until)
      .orderBy('revealed_at')
      .orderBy('id')
      .execute();
    return rows.map(toReveal);
  }

  async wasServed(caseId: number, itemId: string): Promise<boolean> {
    const row = await this.db
      .selectFrom('media_reveals')
      .select('id')
      .where('case_id', '=', caseId)
      .where('item_id', '=', itemId)
      .where('served_at', 'is not', null)
      .limit(1)
      .executeTakeFirst();
    return row !== undefined;
  }
}
