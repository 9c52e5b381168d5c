import { EngineError } from '../../core/index.js';
import type { SignalType } from '../signal-type.js';
import { writeTmkFile } from './tmk-file.js';
import { tmkFrameReading, tmkFromFrames } from './tmk-hash.js';
import { TmkIndex } from './tmk-index.js';
import { tmkDefaultLevel2Threshold } from './tmk-parameters.js';
import { tmkDistance } from './tmk-score.js';
import { formatTmkSignal, readTmkSignal, type TmkSignalText } from './tmk-value.js';

/**
 * TMK+PDQF: one fixed-size summary of a whole video (Meta's temporal match kernel over PDQ
 * float features), read from its frames at 64×64 and 15 frames per second (`tmkFrameReading`,
 * so the hasher reads the video once more for it). Follows a copy that is re-encoded, resized,
 * sped up or slowed down a little, or starts later, where whole-video vPDQ's 80 % both ways
 * fails (docs/streams.md, "TMK+PDQF"). Its value is 351 KB of text, so banks compute it only
 * when asked (a bank's `videoSignals` naming `tmk_pdqf`).
 */
export const tmkPdqfSignal: SignalType<TmkSignalText> = {
  name: 'tmk_pdqf',
  contentTypes: ['video'],
  videoReading: tmkFrameReading,
  description: 'TMK+PDQF: temporal match kernel of a whole video (level-1 cosine ≥ 0.7, then level-2 score ≥ 0.7)',
  parse(text) {
    readTmkSignal(text);
    return text;
  },
  async hash(content) {
    if (content.kind !== 'video')
      throw new EngineError('INTERNAL', `tmk_pdqf hashes videos, not ${content.kind} content`);
    return { value: formatTmkSignal(writeTmkFile(await tmkFromFrames(content.frames))) };
  },
  compare: (a, b) => tmkDistance(readTmkSignal(a), readTmkSignal(b)),
  defaultThreshold: 1 - tmkDefaultLevel2Threshold,
  createIndex: () => new TmkIndex(),
};
