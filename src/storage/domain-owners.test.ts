import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import { join, sep } from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';

/**
 * Storage implements the repository contracts the domain modules define; it is not the domain
 * model. These tests read the source: every record and repository contract is declared once, by
 * the module that owns it; the domain modules do not import storage; storage imports only types
 * from them (so loading storage never loads a domain module, and no import cycle can form).
 */

const sourceRoot = fileURLToPath(new URL('..', import.meta.url));

/** Each domain record or repository contract and the module that owns it. */
const owners: Readonly<Record<string, string>> = {
  ApiKeyRecord: 'auth',
  ApiKeyRepository: 'auth',
  ApiScope: 'auth',
  BankRecord: 'banks',
  ContentProvenance: 'banks',
  ContentRecord: 'banks',
  NewContent: 'banks',
  NewBank: 'banks',
  StoredSignal: 'banks',
  BankPatch: 'banks',
  ContentPatch: 'banks',
  BatchAddResult: 'banks',
  BankRepository: 'banks',
  LoggedEvent: 'events',
  AppendOutcome: 'events',
  EventLogRepository: 'events',
  LinkObservation: 'events',
  LinkRecord: 'events',
  LinkNeighbour: 'events',
  RuleHitRecord: 'rules',
  RuleHitStats: 'rules',
  TypologyContribution: 'typologies',
  CaseStatus: 'cases',
  LegalHold: 'cases',
  CaseRecord: 'cases',
  CasePatch: 'cases',
  CaseTimelineEntry: 'cases',
  CaseUpdate: 'cases',
  CaseFilter: 'cases',
  CaseRepository: 'cases',
  CaseSource: 'cases',
  CaseTraits: 'cases',
  QueueDefinition: 'queues',
  QueueItem: 'queues',
  QueuePredicate: 'queues',
  QueueRepository: 'queues',
  CaseClaim: 'queues',
  AuditEntry: 'audit',
  AuditRepository: 'audit',
  StoredAuditRow: 'audit',
  LabelRecord: 'engine',
  DeadLetter: 'engine',
  EngineBatch: 'engine',
  EngineState: 'engine',
  EngineStore: 'engine',
  SubmissionRecord: 'submissions',
  SubmissionExchange: 'submissions',
  LedgerEntry: 'submissions',
  SubmissionRepository: 'submissions',
};

/** Modules whose production code must not import `storage/` (they define what it implements). */
const storageFreeModules = [
  'auth',
  'banks',
  'matching',
  'events',
  'rules',
  'typologies',
  'cases',
  'audit',
  'engine',
  'queues',
  'submissions',
];

interface SourceFile {
  readonly module: string;
  readonly path: string;
  readonly text: string;
}

async function productionSources(): Promise<SourceFile[]> {
  const entries = await readdir(sourceRoot, { recursive: true });
  const files: SourceFile[] = [];
  for (const entry of entries.sort()) {
    if (!entry.endsWith('.ts') || entry.endsWith('.test.ts')) continue;
    const parts = entry.split(sep);
    if (parts.length < 2) continue;
    files.push({ module: parts[0] ?? '', path: entry, text: await readFile(join(sourceRoot, entry), 'utf8') });
  }
  return files;
}

/** The import declarations of a file: whether type-only, and the specifier. */
function importsOf(text: string): { typeOnly: boolean; specifier: string }[] {
  const found: { typeOnly: boolean; specifier: string }[] = [];
  for (const match of text.matchAll(/^import\s+(type\s+)?([^;]*?)\s+from\s+'([^']+)';/gms)) {
    found.push({ typeOnly: match[1] !== undefined, specifier: match[3] ?? '' });
  }
  for (const match of text.matchAll(/^export\s+(type\s+)?\{[^}]*\}\s+from\s+'([^']+)';/gms)) {
    found.push({ typeOnly: match[1] !== undefined, specifier: match[2] ?? '' });
  }
  return found;
}

describe('storage implements the domain modules’ contracts', () => {
  test('each domain record and repository contract is declared once, by the module that owns it', async () => {
    const files = await productionSources();
    for (const [name, owner] of Object.entries(owners)) {
      const declaration = new RegExp(`^export (?:interface|type) ${name}\\b`, 'm');
      const declaredIn = files.filter((file) => declaration.test(file.text)).map((file) => file.path);
      assert.equal(declaredIn.length, 1, `${name} is declared in ${declaredIn.join(', ') || 'no file'}`);
      assert.equal(declaredIn[0]?.split(sep)[0], owner, `${name} belongs to ${owner}/, not ${declaredIn[0]}`);
    }
  });

  test('the domain modules import nothing from storage', async () => {
    const offending = (await productionSources())
      .filter((file) => storageFreeModules.includes(file.module))
      .filter((file) => importsOf(file.text).some((item) => /(^|\/)storage\//.test(item.specifier)))
      .map((file) => file.path);
    assert.deepEqual(offending, []);
  });

  test('storage imports only types from the domain modules, so loading it loads none of them', async () => {
    const runtime: string[] = [];
    for (const file of await productionSources()) {
      if (file.module !== 'storage') continue;
      for (const item of importsOf(file.text)) {
        const target = /^\.\.\/([a-z-]+)\//.exec(item.specifier)?.[1];
        if (target !== undefined && target !== 'core' && !item.typeOnly) runtime.push(`${file.path} → ${target}`);
      }
    }
    assert.deepEqual(runtime, []);
  });

  test('the storage door exports the store and its settings, no domain type', async () => {
    const door = await readFile(join(sourceRoot, 'storage', 'index.ts'), 'utf8');
    const leaked = Object.keys(owners).filter((name) =>
      new RegExp(`\\b${name}\\b`).test(door.replace(/\/\*[\s\S]*?\*\//g, '')),
    );
    assert.deepEqual(leaked, []);
  });
});
