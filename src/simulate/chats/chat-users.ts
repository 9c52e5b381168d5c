import { dayMs } from '../clock.js';
import type { Random } from '../random.js';
import type { ChatLanguage, ChatSlice } from './chat-labels.js';

/**
 * The people of a conversation: true age, what the platform knows (age assurance, a declared
 * age that may lie), country and account age. Suspected adults in grooming and sextortion have new
 * accounts and often claim to be teenagers; benign look-alikes have long-standing accounts, except
 * on dating apps. Groomers and coaches talk to several minors (fan-out), so both the risky and
 * the honest population have one adult in many conversations.
 */
export interface SimulatedUser {
  readonly id: string;
  readonly age: number;
  readonly assurance: 'adult' | 'minor' | 'unknown' | undefined;
  readonly declaredAge: number | undefined;
  readonly country: string;
  /** When the account was created (UTC ms). */
  readonly createdMs: number;
  /** An organisation the platform verified the account belongs to (some coaches and teachers). */
  readonly organisation?: 'school' | 'coach';
}

/** UTC offset in hours of each country the generator uses (standard time). */
const utcOffsetHours: Readonly<Record<string, number>> = {
  US: -5,
  GB: 0,
  CA: -5,
  FR: 1,
  BE: 1,
  ES: 1,
  MX: -6,
  AR: -3,
  BR: -3,
  PT: 0,
  PH: 8,
  NG: 1,
  CI: 0,
  GH: 0,
};

/** The local hour (0–23) of `user` at UTC instant `atMs`. */
export function localHourOf(user: SimulatedUser, atMs: number): number {
  const hour = new Date(atMs).getUTCHours() + (utcOffsetHours[user.country] ?? 0);
  return ((hour % 24) + 24) % 24;
}

const homeCountries: Readonly<Record<ChatLanguage, readonly string[]>> = {
  en: ['US', 'GB', 'CA'],
  fr: ['FR', 'BE', 'CA'],
  es: ['ES', 'MX', 'AR'],
  pt: ['BR', 'PT'],
  tl: ['PH'],
};

/** Users handed out in conversation order, with the reusable adults of fan-out slices. */
export class UserPool {
  #next = 0;
  readonly #reusable = new Map<string, { user: SimulatedUser; conversations: number }>();

  constructor(private readonly seed: number) {}

  /** A new user; created `accountAgeDays` before `startMs`. */
  make(
    random: Random,
    startMs: number,
    age: number,
    accountAgeDays: number,
    country: string,
    assurance: SimulatedUser['assurance'],
    declaredAge: number | undefined,
  ): SimulatedUser {
    const id = `cu${this.seed}-${this.#next++}`;
    const createdMs = startMs - accountAgeDays * dayMs - random.integer(0, 3600) * 1000;
    return { id, age, assurance, declaredAge, country, createdMs };
  }

  /** The last fan-out adult of `kind` when it talks to fewer than `most` people and `reuse` says so. */
  reuse(kind: string, reuse: boolean, most: number): SimulatedUser | undefined {
    const entry = this.#reusable.get(kind);
    if (entry === undefined || !reuse || entry.conversations >= most) return undefined;
    entry.conversations += 1;
    return entry.user;
  }

  remember(kind: string, user: SimulatedUser): void {
    this.#reusable.set(kind, { user, conversations: 1 });
  }
}

/** The two people of a conversation, the users created for it, and when it starts. */
export interface ConversationPeople {
  readonly initiator: SimulatedUser;
  readonly other: SimulatedUser;
  /** Users that appear for the first time (their `account.created` events are written). */
  readonly created: readonly SimulatedUser[];
  /** The first message's time: never before either account exists. */
  readonly startMs: number;
}

/** Draws the two people of one conversation of `slice`. */
export function conversationPeople(
  slice: ChatSlice,
  language: ChatLanguage,
  random: Random,
  pool: UserPool,
  startMs: number,
): ConversationPeople {
  const home = random.pick(homeCountries[language]);
  const created: SimulatedUser[] = [];
  const fresh = (
    age: number,
    accountAgeDays: number,
    assurance: SimulatedUser['assurance'],
    declaredAge: number | undefined,
    country = home,
  ) => {
    const user = pool.make(random, startMs, age, accountAgeDays, country, assurance, declaredAge);
    created.push(user);
    return user;
  };
  const minor = (from: number, to: number) => {
    const age = random.integer(from, to);
    return fresh(age, random.integer(60, 900), random.chance(0.6) ? 'minor' : 'unknown', age);
  };
  const adult = (from: number, to: number, accountDays: [number, number]) => {
    const age = random.integer(from, to);
    return fresh(age, random.integer(...accountDays), random.chance(0.5) ? 'adult' : 'unknown', age);
  };
  let initiator: SimulatedUser;
  let other: SimulatedUser;
  switch (slice) {
    case 'grooming_fast':
    case 'grooming_slow': {
      const reused = pool.reuse(slice, random.chance(0.4), 4);
      if (reused === undefined) {
        const age = random.integer(22, 58);
        const posesAsTeen = random.chance(0.4);
        initiator = fresh(
          age,
          random.integer(0, 20),
          random.weighted([
            ['unknown', 5],
            ['adult', 3],
            [undefined, 2],
          ] as const),
          posesAsTeen ? random.integer(15, 17) : age,
        );
        pool.remember(slice, initiator);
      } else {
        initiator = reused;
      }
      other = minor(11, 15);
      break;
    }
    case 'sextortion':
      initiator = fresh(
        random.integer(19, 35),
        random.integer(0, 3),
        'unknown',
        random.integer(15, 17),
        random.chance(0.6) ? random.pick(['NG', 'CI', 'GH']) : home,
      );
      other = minor(14, 17);
      break;
    case 'teen_peers': {
      const age = random.integer(13, 17);
      initiator = minor(age, age);
      other = minor(Math.max(13, age - 1), Math.min(17, age + 1));
      break;
    }
    case 'family':
      initiator = adult(25, 70, [300, 3000]);
      other = minor(9, 17);
      break;
    case 'coach_teacher': {
      const reused = pool.reuse(slice, random.chance(0.6), 6);
      if (reused === undefined) {
        const coach = adult(23, 60, [200, 2000]);
        // Half the coaches and teachers are on an account the platform verified for their organisation.
        initiator = random.chance(0.5) ? { ...coach, organisation: random.pick(['school', 'coach'] as const) } : coach;
        created[created.length - 1] = initiator;
        pool.remember(slice, initiator);
      } else {
        initiator = reused;
      }
      other = minor(10, 17);
      break;
    }
    case 'gaming_teammates':
      initiator = random.chance(0.5) ? adult(18, 24, [30, 900]) : minor(13, 17);
      other = minor(12, 17);
      break;
    case 'adult_dating':
      initiator = fresh(random.integer(21, 55), random.integer(2, 400), 'adult', undefined);
      other = fresh(random.integer(21, 55), random.integer(2, 400), 'adult', undefined);
      break;
    case 'customer_support':
      initiator = fresh(random.integer(22, 50), random.integer(500, 3000), 'adult', undefined);
      other = random.chance(0.5) ? minor(13, 17) : adult(18, 60, [30, 2000]);
      break;
    case 'scam_awareness':
      initiator = adult(25, 60, [300, 3000]);
      other = minor(11, 17);
      break;
  }
  const latestCreated = Math.max(initiator.createdMs, other.createdMs);
  return { initiator, other, created, startMs: Math.max(startMs, latestCreated + 3_600_000) };
}
