import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { openStorage } from '../storage/index.js';
import { AuditLog, entryHash, genesisHash } from './audit-log.js';
import { canonicalJson, legacyCanonicalJson } from './canonical-json.js';

describe('canonical JSON for the audit chain (RFC 8785)', () => {
  test('RFC 8785 and the earlier canonical form agree on every value a stored entry can hold', () => {
    // What verification hashes is always `JSON.parse` of stored text, so JSON values are the
    // whole domain that matters for stored chains; fast-check's generator covers -0, 1e21-style
    // doubles, escapes, astral and lone-surrogate text and `__proto__` keys.
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const parsed: unknown = JSON.parse(JSON.stringify(value));
        assert.equal(canonicalJson(parsed), legacyCanonicalJson(parsed));
      }),
      { numRuns: 2000 },
    );
    fc.assert(
      fc.property(fc.dictionary(fc.string({ unit: 'binary' }), fc.double()), (value) => {
        const parsed: unknown = JSON.parse(JSON.stringify(value));
        assert.equal(canonicalJson(parsed), legacyCanonicalJson(parsed));
      }),
      { numRuns: 1000 },
    );
  });

  test('canonical JSON is RFC 8785 on the cases where hand-written forms usually differ', () => {
    // Numbers as ECMAScript prints them (RFC 8785 §3.2.2.3), -0 as 0.
    assert.equal(
      canonicalJson([1e21, 1e-7, -0, 0.1, 123456789012345680000]),
      '[1e+21,1e-7,0,0.1,123456789012345680000]',
    );
    // Keys by UTF-16 code units, not code points: U+1F600 (D83D DE00) sorts before U+FFFF.
    assert.equal(canonicalJson({ '\uffff': 1, '\u{1f600}': 2, a: 3 }), '{"a":3,"\u{1f600}":2,"\uffff":1}');
    // Only the escapes JSON requires; everything else literal.
    assert.equal(canonicalJson('\u0007é/\u2028"'), '"\\u0007é/\u2028\\""');
    // The RFC 8785 example of §3.2.3 (property sorting).
    assert.equal(
      canonicalJson({
        '\u20ac': 'Euro Sign',
        '\r': 'Carriage Return',
        '\ufb33': 'Hebrew Letter Dalet With Dagesh',
        '1': 'One',
        '\u{1f600}': 'Emoji: Grinning Face',
        '\u0080': 'Control',
        '\u00f6': 'Latin Small Letter O With Diaeresis',
      }),
      '{"\\r":"Carriage Return","1":"One","\u0080":"Control","ö":"Latin Small Letter O With Diaeresis","€":"Euro Sign","\u{1f600}":"Emoji: Grinning Face","\ufb33":"Hebrew Letter Dalet With Dagesh"}',
    );
  });

  test('values RFC 8785 refuses keep the earlier form, so nothing recorded before is refused or unverifiable', () => {
    assert.equal(canonicalJson({ text: 'a\ud800b' }), '{"text":"a\\ud800b"}');
    assert.equal(canonicalJson({ x: Number.NaN, y: Number.POSITIVE_INFINITY }), '{"x":null,"y":null}');
    const entry = {
      seq: 1,
      time: '2026-01-01T00:00:00.000Z',
      actor: 'person:a',
      action: 'case.view',
      subject: 'case:1',
      reason: 'lone \udc00 surrogate',
      detail: { note: '\ud83d' },
      previousHash: genesisHash,
    };
    const legacy = legacyCanonicalJson({ ...entry, previousHash: undefined, detail: entry.detail });
    assert.ok(legacy.includes('\\udc00'));
    assert.match(entryHash(entry), /^[0-9a-f]{64}$/);
  });

  test('an audit chain written with the earlier canonical form still verifies, lone surrogates included', async () => {
    const directory = await mkdtemp(join(tmpdir(), 'prevail-canonical-'));
    const storage = await openStorage({ dataDir: directory });
    try {
      const audit = new AuditLog(storage.engine.audit, () => new Date('2026-01-01T00:00:00.000Z'));
      await audit.record(
        {
          actor: 'person:a',
          action: 'case.view',
          subject: 'case:1',
          reason: 'triage',
          detail: { n: 1e21, z: -0 },
        },
        {
          actor: 'person:b',
          action: 'case.note',
          subject: 'case:1',
          reason: 'note',
          detail: { '\uffff': 1, '\u{1f600}': ['\udc00'] },
        },
      );
      // Recompute the stored hashes with the earlier form alone: they are the same hashes.
      let previousHash = genesisHash;
      for (const row of await storage.engine.audit.page(0, 10)) {
        const detail: unknown = JSON.parse(row.detailJson as string);
        const content = legacyCanonicalJson({
          seq: row.seq,
          time: row.time,
          actor: row.actor,
          action: row.action,
          subject: row.subject,
          reason: row.reason,
          detail,
        });
        const { createHash } = await import('node:crypto');
        const hash = createHash('sha256').update(`${previousHash}\n${content}`).digest('hex');
        assert.equal(row.hash, hash, `entry ${row.seq} hashes the same under the earlier form`);
        previousHash = hash;
      }
      assert.deepEqual(await audit.verify(), { ok: true, entries: 2 });
    } finally {
      await storage.close();
      await rm(directory, { recursive: true, force: true });
    }
  });

  test('an entry whose detail holds a Date verifies after it is stored', async () => {
    const directory = await mkdtemp(join(tmpdir(), 'prevail-canonical-'));
    const storage = await openStorage({ dataDir: directory });
    try {
      const audit = new AuditLog(storage.engine.audit);
      await audit.record({
        actor: 'person:a',
        action: 'case.hold',
        subject: 'case:1',
        reason: 'legal hold',
        detail: { until: new Date('2027-01-01T00:00:00.000Z') },
      });
      assert.deepEqual(await audit.verify(), { ok: true, entries: 1 });
    } finally {
      await storage.close();
      await rm(directory, { recursive: true, force: true });
    }
  });
});
