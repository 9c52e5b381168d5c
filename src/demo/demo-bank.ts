import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import type { BankService } from '../banks/index.js';
import { defaultMaxPixels } from '../content/index.js';
import { EngineError } from '../core/index.js';
import { patternPixels } from './patterns.js';

/** The demo bank's name. */
export const demoBankName = 'DEMO_IMAGES';

/** Files the demo writes: banked pictures, and query pictures to try against them. */
export interface DemoFiles {
  readonly directory: string;
  /** A re-encoded, resized copy of a banked picture: it matches. */
  readonly nearCopy: string;
  /** A picture that is not in the bank: it does not match. */
  readonly unrelated: string;
  /** PDQ hash of the first banked picture. */
  readonly bankedPdq: string;
}

const bankedSeeds = [1, 3, 5, 7, 9, 11];

/**
 * Creates (or reuses) the demo bank filled with six generated benign pictures, and writes a
 * near copy and an unrelated picture to `directory` for trying lookups.
 */
export async function setUpDemoBank(banks: BankService, directory: string): Promise<DemoFiles> {
  await mkdir(directory, { recursive: true });
  const existing = (await banks.listBanks()).find((bank) => bank.name === demoBankName);
  if (existing === undefined) {
    await banks.createBank({ name: demoBankName, description: 'Generated benign pictures for trying Prevail' });
  }
  let bankedPdq = '';
  for (const seed of bankedSeeds) {
    const file = join(directory, `banked-${seed}.jpg`);
    const bytes = new Uint8Array(
      await sharp(patternPixels(640, 480, seed), { raw: { width: 640, height: 480, channels: 3 } })
        .jpeg({ quality: 90 })
        .toBuffer(),
    );
    await writeFile(file, bytes);
    const content = await banks
      .addMedia(
        demoBankName,
        bytes,
        { maxPixels: defaultMaxPixels },
        { source: 'demo', externalId: `pattern-${seed}`, category: 'demo-pattern', note: 'generated benign pattern' },
      )
      .catch(async (error: unknown) => {
        // Already banked by an earlier demo run: reuse it.
        if (error instanceof EngineError && error.code === 'CONTENT_INVALID') return undefined;
        throw error;
      });
    if (seed === bankedSeeds[0]) bankedPdq = content?.signals.pdq ?? bankedPdq;
  }
  const nearCopy = join(directory, 'query-near-copy.jpg');
  await sharp(join(directory, `banked-${bankedSeeds[0]}.jpg`))
    .resize(480, 360)
    .jpeg({ quality: 75 })
    .toFile(nearCopy);
  const unrelated = join(directory, 'query-unrelated.png');
  await sharp(patternPixels(400, 400, 4), { raw: { width: 400, height: 400, channels: 3 } })
    .png()
    .toFile(unrelated);
  if (bankedPdq === '') {
    const bank = await banks.getBank(demoBankName);
    const [first] = await banks.repository.listContent(bank.id, { limit: 1 });
    bankedPdq = first?.signals.pdq ?? '';
  }
  return { directory, nearCopy, unrelated, bankedPdq };
}
