import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AuditLog } from '../../src/audit/index.js';
import { CaseService } from '../../src/cases/index.js';
import { openEngine, type SignalsEngine } from '../../src/engine/index.js';
import { openStorage, type Storage } from '../../src/storage/index.js';
import { examplePacks, examplePolicy } from './engine-harness.js';
import { dropPostgresSchemas, postgresSkipReason, postgresUrl } from './postgres.js';

/**
 * A store the case tests run on, twice: SQLite (prepared-statement path) and PostgreSQL (Kysely
 * path). Each `place()` is a fresh store (a temporary directory, or a fresh PostgreSQL schema
 * dropped in `cleanup`); `open(place)` opens it again, as a restart does.
 */
export interface CaseBackend {
  readonly name: string;
  /** A reason to skip (PostgreSQL unreachable outside CI), or false. */
  readonly skip: string | false;
  place(): Promise<string>;
  open(place: string): Promise<Storage>;
  cleanup(): Promise<void>;
}

/** The SQLite and PostgreSQL backends (PostgreSQL skipped with a printed reason when unreachable). */
export async function caseBackends(): Promise<CaseBackend[]> {
  const directories: string[] = [];
  const schemas: string[] = [];
  const sqlite: CaseBackend = {
    name: 'SQLite',
    skip: false,
    place: async () => {
      const directory = await mkdtemp(join(tmpdir(), 'prevail-cases-'));
      directories.push(directory);
      return directory;
    },
    open: (dataDir) => openStorage({ dataDir }),
    cleanup: async () => {
      for (const directory of directories) await rm(directory, { recursive: true, force: true });
    },
  };
  const postgres: CaseBackend = {
    name: 'PostgreSQL',
    skip: await postgresSkipReason(),
    place: async () => {
      const schema = `test_cases_${randomBytes(4).toString('hex')}`;
      schemas.push(schema);
      return schema;
    },
    open: (schema) => openStorage({ databaseUrl: postgresUrl, schema }),
    cleanup: async () => {
      await dropPostgresSchemas(schemas);
    },
  };
  return [sqlite, postgres];
}

/** An engine with the example policy and the cases service wired to it, as `createServices` does. */
export interface CaseRig {
  readonly storage: Storage;
  readonly engine: SignalsEngine;
  readonly cases: CaseService;
  readonly audit: AuditLog;
  close(): Promise<void>;
}

/** Opens storage at `place`, the engine and the cases service (with a clock when given). */
export async function openCaseRig(backend: CaseBackend, place: string, now?: () => Date): Promise<CaseRig> {
  const storage = await backend.open(place);
  const { engine } = await openEngine(storage.engine, examplePolicy, { packRegistry: examplePacks });
  const audit = new AuditLog(storage.engine.audit);
  const cases = new CaseService({ store: storage.engine, audit, ...(now !== undefined ? { now } : {}) });
  cases.subscribe(engine);
  return {
    storage,
    engine,
    cases,
    audit,
    close: async () => {
      await engine.checkpoint();
      await storage.close();
    },
  };
}
