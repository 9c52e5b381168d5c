import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isEngineError } from '../core/index.js';
import { type EvidenceAuditAction, EvidenceVault } from './evidence-vault.js';
import { parseEvidenceKeyRing } from './key-ring.js';

/** Synthetic keys for the vault's tests (never real secrets). */
export const testKeys = { k1: '11'.repeat(32), k2: '22'.repeat(32), k3: '33'.repeat(32) } as const;

/** A vault over `directory` with the ring `keyIds` (first current) and a recorded audit. */
export function testVault(directory: string, keyIds: readonly (keyof typeof testKeys)[], now?: () => number) {
  const audit: EvidenceAuditAction[] = [];
  const vault = new EvidenceVault({
    directory,
    keyRing: parseEvidenceKeyRing(keyIds.map((id) => `${id}:${testKeys[id]}`).join(',')),
    audit: async (action) => audit.push(action),
    ...(now !== undefined ? { now } : {}),
  });
  return { vault, audit };
}

/** A fresh temporary vault directory. */
export function temporaryVaultDirectory(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'prevail-evidence-'));
}

/** An assertion predicate: an `EngineError` with this code. */
export function hasCode(code: string): (error: unknown) => boolean {
  return (error: unknown) => isEngineError(error) && error.code === code;
}

/** A synthetic, benign item to preserve. */
export function syntheticItem(subject = 'stream:s-test', text = 'synthetic benign test bytes') {
  return {
    kind: 'stream_frame',
    subject,
    mediaType: 'image/png',
    media: Buffer.from(text),
    context: { t: 12.5 },
    actor: 'system:test',
    reason: 'synthetic match',
  };
}
