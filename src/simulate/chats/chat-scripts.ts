import type { Random } from '../random.js';
import type { ChatSlice } from './chat-labels.js';
import type { TemplateKey } from './template-keys.js';

/**
 * Conversation scripts as sequences of labelled moves. Speaker 0 is the initiator (the suspected
 * adult in risky slices, the adult or the first friend in benign ones), speaker 1 the other side.
 * Grooming reorders and skips stages (the note's take-away: families co-occur, they do not follow a
 * fixed order); sextortion follows the fast script (new contact → rapport → move app → photo
 * request → threat naming friends/family/school → payment instruction with a deadline); benign
 * look-alikes use the same kinds of line in an honest context.
 */
export interface ScriptTurn {
  readonly speaker: 0 | 1;
  readonly key: TemplateKey;
  /** Gap before this message, in seconds (the first message's is ignored). */
  readonly gapSeconds: number;
  /** The message carries an image (metadata; never any content). */
  readonly image?: true;
}

/** The indicator family of each risky move. */
export const familyOfKey: Readonly<Partial<Record<TemplateKey, string>>> = {
  risky_probe: 'age_location_probe',
  risky_gift: 'gifts',
  risky_secrecy: 'secrecy',
  risky_move_app: 'platform_move',
  risky_photo: 'photo_call_request',
  risky_meet: 'meeting',
  risky_threat: 'exposure_threat',
  risky_pay: 'payment_instruction',
  risky_deadline: 'deadline',
};

const groomingStages: readonly TemplateKey[] = [
  'risky_probe',
  'risky_gift',
  'risky_secrecy',
  'risky_move_app',
  'risky_photo',
  'risky_meet',
];
const replies: readonly TemplateKey[] = ['reply_ok', 'reply_unsure', 'reply_info', 'reply_laugh'];

/** The benign lines of each look-alike population (speaker 0 says them unless noted). */
const benignLines: Readonly<Record<string, readonly (readonly [TemplateKey, 0 | 1])[]>> = {
  teen_peers: [
    ['peer_secret', 0],
    ['peer_selfie', 1],
    ['peer_meet', 0],
    ['peer_split', 1],
    ['peer_banter', 0],
    ['smalltalk', 1],
  ],
  family: [
    ['family_surprise', 0],
    ['family_gift', 0],
    ['family_pickup', 0],
    ['family_call', 0],
    ['smalltalk', 1],
  ],
  coach_teacher: [
    ['coach_schedule', 0],
    ['coach_birth_year', 0],
    ['coach_call', 0],
    ['coach_deadline', 0],
    ['coach_fee', 0],
  ],
  gaming_teammates: [
    ['game_gift', 0],
    ['game_voice', 0],
    ['game_region', 1],
    ['game_age', 0],
    ['game_hurry', 1],
    ['smalltalk', 1],
  ],
  adult_dating: [
    ['dating_photo', 0],
    ['dating_meet', 1],
    ['dating_app', 0],
    ['dating_quiet', 1],
    ['dating_age', 0],
    ['compliment', 1],
  ],
  customer_support: [
    ['support_verify', 0],
    ['support_code', 0],
    ['support_deadline', 0],
    ['support_app', 0],
    ['support_photo', 0],
  ],
  scam_awareness: [
    ['lesson_threat', 0],
    ['lesson_pay', 0],
    ['lesson_move', 0],
    ['lesson_question', 0],
  ],
};

/** Seconds between two messages of one sitting: fast for extortion, chatty otherwise. */
function sittingGap(random: Random, slice: ChatSlice): number {
  if (slice === 'sextortion' || slice === 'grooming_fast') return random.integer(10, 150);
  return random.integer(15, 400);
}

/** The turns of one conversation of `slice`. */
export function scriptFor(slice: ChatSlice, random: Random): ScriptTurn[] {
  const turns: ScriptTurn[] = [];
  const say = (speaker: 0 | 1, key: TemplateKey, gapSeconds = sittingGap(random, slice), image?: true) =>
    turns.push(image === undefined ? { speaker, key, gapSeconds } : { speaker, key, gapSeconds, image });
  const reply = (pool: readonly TemplateKey[] = replies) => say(1, random.pick(pool));
  switch (slice) {
    case 'grooming_fast':
    case 'grooming_slow': {
      const slow = slice === 'grooming_slow';
      say(0, random.chance(0.7) ? 'greet_new' : 'greet');
      reply();
      for (let rapport = random.integer(slow ? 2 : 1, slow ? 5 : 2); rapport > 0; rapport--) {
        say(0, random.pick(['smalltalk', 'compliment'] as const));
        reply();
      }
      const stages = random.sample(groomingStages, random.integer(2, 5));
      for (const stage of stages) {
        // Slow grooming: a new sitting hours or days later before most stages.
        const gap = slow && random.chance(0.6) ? random.integer(8 * 3600, 60 * 3600) : sittingGap(random, slice);
        say(0, stage, gap);
        reply();
        if (random.chance(slow ? 0.6 : 0.3)) {
          say(0, random.pick(['smalltalk', 'compliment'] as const));
          reply();
        }
      }
      return turns;
    }
    case 'sextortion': {
      say(0, 'greet_new');
      reply(['reply_ok', 'reply_laugh']);
      if (random.chance(0.8)) {
        say(0, 'compliment');
        reply(['reply_laugh', 'reply_ok']);
      }
      say(0, 'risky_move_app');
      reply(['reply_ok']);
      say(0, 'risky_photo');
      say(1, 'reply_unsure');
      say(1, 'reply_ok', sittingGap(random, slice), true);
      say(0, 'risky_threat');
      reply(['reply_scared']);
      const payFirst = random.chance(0.5);
      say(0, payFirst ? 'risky_pay' : 'risky_deadline');
      say(0, payFirst ? 'risky_deadline' : 'risky_pay', random.integer(5, 60));
      reply(['reply_scared']);
      if (random.chance(0.5)) say(0, 'risky_threat');
      return turns;
    }
    default: {
      const lines = benignLines[slice] ?? [];
      say(0, 'greet');
      reply(['reply_ok', 'reply_laugh']);
      const chosen = random.sample(lines, random.integer(Math.min(3, lines.length), lines.length));
      const multiDay = random.chance(0.3);
      for (const [key, speaker] of chosen) {
        const gap = multiDay && random.chance(0.4) ? random.integer(6 * 3600, 48 * 3600) : sittingGap(random, slice);
        say(speaker, key, gap);
        say(speaker === 0 ? 1 : 0, random.pick(replies));
      }
      return turns;
    }
  }
}
