/**
 * Storage: the Kysely implementations, over SQLite (embedded default) or PostgreSQL, of the
 * repository contracts the domain modules define (`BankRepository` in `banks`, `ApiKeyRepository`
 * in `auth`, `EngineStore` in `engine`, with `EventLogRepository`, `CaseRepository` and
 * `AuditRepository` from `events`, `cases` and `audit`; `PeopleRepository` in `people`), and the
 * migrations. This is the
 * module's only public door: other modules import from here, never from the files behind it, and
 * never see SQL or rows. Storage imports only types from the domain modules; the composition
 * root opens it and hands its repositories to the services.
 */

export { storageMigrations } from './migrations/index.js';
export { openStorage } from './open-storage.js';
export type { Storage } from './repositories.js';
export {
  resolveStorageTarget,
  type StorageOptions,
  type StorageTarget,
  sqliteFileName,
} from './storage-target.js';
