import { dayMs, hourMs } from '../clock.js';
import type { Random } from '../random.js';
import type { ChatLanguage, ChatSlice } from './chat-labels.js';
import type { ConversationPeople, SimulatedUser } from './chat-users.js';
import { localHourOf } from './chat-users.js';
import type { ChatSimEvent } from './simulate-chats.js';
import { conversationSlots } from './slots.js';
import type { LanguageTemplates } from './template-keys.js';

/**
 * The metadata around a conversation that an end-to-end encrypted service still sees: reports and
 * blocks of a user by others (`report.filed`, the reported account as `user`, the one who reported
 * or blocked as `reporter`; a block is sent as a report with `category: 'block'`, as the chat pack
 * reads it) and one-message contact bursts to many accounts (fan-out). The chat-signals note §5
 * names both (Meta 2022 and Snap 2024 warn teens about accounts blocked or reported by others;
 * Meta 2020 and Ofcom's "scattergun friend requests" for adults writing to many minors); it gives
 * no rates, so **every rate below is this generator's assumption, not a measurement**. The
 * metadata-only rule (`chat_metadata_contact_pattern`) was written from the same note, so figures
 * on these events say how the rule behaves on what its authors expected, not on real traffic.
 *
 * Risky and benign populations both carry the signals: a coach messaging the whole team in a few
 * hours, a spammy support account blocked by many customers, teen and gaming quarrels that end
 * in a block.
 */

/** Chance that the conversation ends in a report or block, and who files it. */
const pairReport: Readonly<Record<ChatSlice, { readonly chance: number; readonly either: boolean }>> = {
  // The contacted minor blocks or reports the adult.
  grooming_fast: { chance: 0.35, either: false },
  grooming_slow: { chance: 0.35, either: false },
  sextortion: { chance: 0.5, either: false },
  // A quarrel: either side blocks the other.
  teen_peers: { chance: 0.12, either: true },
  gaming_teammates: { chance: 0.12, either: true },
  family: { chance: 0.02, either: false },
  // A dispute over team selection or a grade.
  coach_teacher: { chance: 0.04, either: false },
  adult_dating: { chance: 0.15, either: false },
  customer_support: { chance: 0.08, either: false },
  scam_awareness: { chance: 0.02, either: false },
};

/** Contact bursts: who sends one opening message to many accounts, how many, and how often each recipient reports it. */
interface Burst {
  /** Chance that an adult new to the run sends a burst. */
  readonly chance: number;
  readonly recipients: readonly [number, number];
  /** Hours the burst spans (a day, or up to three). */
  readonly spanHours: readonly [number, number];
  /** Share of recipients who are minors (the rest adults). */
  readonly minors: number;
  /** Chance each recipient blocks or reports the sender. */
  readonly reportChance: number;
  readonly category: string;
  /** The opening line (a template key every language has). */
  readonly line: 'greet_new' | 'greet';
  /** The pair metadata of each burst message. */
  readonly mutualContacts: readonly [number, number];
  readonly relationship?: string;
}

const bursts: Readonly<Partial<Record<ChatSlice, Burst>>> = {
  // "Scattergun" requests to minors, mostly unanswered.
  grooming_fast: burst(0.5, [12, 30], [6, 72], 1, 0.1, 'unwanted_contact', 'greet_new', [0, 1]),
  grooming_slow: burst(0.5, [12, 30], [6, 72], 1, 0.1, 'unwanted_contact', 'greet_new', [0, 1]),
  sextortion: burst(0.5, [10, 25], [2, 24], 1, 0.15, 'unwanted_contact', 'greet_new', [0, 1]),
  // A coach or teacher writing to each member of the team or class within a few hours.
  coach_teacher: { ...burst(0.5, [10, 25], [1, 4], 1, 0.01, 'harassment', 'greet', [3, 30]), relationship: 'coach' },
  // A support account's promotional campaign, blocked as spam.
  customer_support: burst(0.4, [15, 40], [4, 20], 0.3, 0.15, 'spam', 'greet', [0, 0]),
};

function burst(
  chance: number,
  recipients: readonly [number, number],
  spanHours: readonly [number, number],
  minors: number,
  reportChance: number,
  category: string,
  line: Burst['line'],
  mutualContacts: readonly [number, number],
): Burst {
  return { chance, recipients, spanHours, minors, reportChance, category, line, mutualContacts };
}

export interface ContactInput {
  readonly seed: number;
  readonly index: number;
  readonly conversation: string;
  readonly slice: ChatSlice;
  readonly language: ChatLanguage;
  readonly people: ConversationPeople;
  /** The conversation's last message (UTC ms). */
  readonly lastMs: number;
  readonly templates: LanguageTemplates;
  /** The conversation is on an end-to-end encrypted service: burst messages carry no text either. */
  readonly textless: boolean;
  /** Writes a user's `account.created` event. */
  readonly accountEvent: (user: SimulatedUser) => ChatSimEvent;
}

const minuteMs = hourMs / 60;

/**
 * The reports, blocks and contact bursts around one conversation, drawn from `random` (a stream
 * of its own, so the conversation itself is the same with or without them). Burst recipients are
 * new accounts `cu<seed>-<index>-c<n>` in no labelled conversation; an adult sends at most one
 * burst (in the conversation where it first appears).
 */
export function contactEvents(input: ContactInput, random: Random): ChatSimEvent[] {
  const { people, conversation, slice } = input;
  const events: ChatSimEvent[] = [];
  const report = pairReport[slice];
  if (random.chance(report.chance)) {
    const swap = report.either && random.chance(0.5);
    const reported = swap ? people.other : people.initiator;
    const reporter = swap ? people.initiator : people.other;
    events.push(
      reportEvent(`rep-${conversation}`, input.lastMs + random.integer(1, 120) * minuteMs, reported, reporter, random),
    );
  }
  const plan = bursts[slice];
  if (plan === undefined || !people.created.includes(people.initiator) || !random.chance(plan.chance)) return events;
  const sender = people.initiator;
  const slots = conversationSlots(input.language, random);
  const count = random.integer(...plan.recipients);
  const spanMs = random.integer(...plan.spanHours) * hourMs;
  const burstStart = Math.max(sender.createdMs + hourMs, people.startMs - random.integer(0, 24) * hourMs);
  for (let n = 0; n < count; n++) {
    const minor = random.chance(plan.minors);
    const age = minor ? random.integer(11, 17) : random.integer(18, 60);
    const recipient: SimulatedUser = {
      id: `cu${input.seed}-${input.index}-c${n}`,
      age,
      assurance: random.chance(0.6) ? (minor ? 'minor' : 'adult') : 'unknown',
      declaredAge: age,
      country: people.other.country,
      createdMs: burstStart - random.integer(30, 900) * dayMs,
    };
    events.push(input.accountEvent(recipient));
    const at = burstStart + random.integer(0, spanMs / 1000) * 1000;
    const text = slots.fill(random.pick(input.templates[plan.line]), random);
    const data: Record<string, unknown> = input.textless ? { chars: text.length } : { text, chars: text.length };
    data.local_hour = localHourOf(sender, at);
    if (random.chance(0.5)) data.mutual_contacts = random.integer(...plan.mutualContacts);
    if (plan.relationship !== undefined && random.chance(0.4)) data.relationship = plan.relationship;
    events.push({
      id: `msg-${conversation}-c${n}`,
      type: 'message.sent',
      time: new Date(at).toISOString(),
      entities: { user: sender.id, recipient: recipient.id, conversation: `${conversation}-c${n}` },
      data,
    });
    if (random.chance(plan.reportChance)) {
      const when = at + random.integer(5, 720) * minuteMs;
      events.push(reportEvent(`rep-${conversation}-c${n}`, when, sender, recipient, random, plan.category));
    }
  }
  return events;
}

function reportEvent(
  id: string,
  atMs: number,
  reported: SimulatedUser,
  reporter: SimulatedUser,
  random: Random,
  category?: string,
): ChatSimEvent {
  return {
    id,
    type: 'report.filed',
    time: new Date(atMs).toISOString(),
    entities: { user: reported.id, reporter: reporter.id },
    // Most people block rather than report (Snap counts blocks; Meta counts both).
    data: { category: random.chance(0.6) ? 'block' : (category ?? 'unwanted_contact') },
  };
}
