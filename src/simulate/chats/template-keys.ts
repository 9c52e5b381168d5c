/**
 * The lines a synthetic conversation is written from: one key per conversational move, each
 * rendered from per-language templates (`templates/<language>.ts`). The templates were written
 * for this generator from the abstract move descriptions of the chat-signals note, never from a
 * lexicon of the repository: evaluation runs on text the rules were not tuned on.
 *
 * Every line is plainly fake and non-sexual. Risky moves (`risky*`) say what a groomer or an
 * extortionist does in neutral words; benign moves say the same kind of thing in an honest
 * context (a sibling's surprise, a coach's schedule, a tutor's call, a scam-awareness lesson).
 * The sexual-content family is never written.
 *
 * Slots in templates: {name} a fake first name, {app} a messaging app, {place} a public place,
 * {address} a fake street address, {amount} a small sum, {handle} a fake P2P handle, {code} a
 * fake gift-card code, {time} a clock time, {relation} friends/family/school.
 */
export const templateKeys = [
  // Openers and rapport (no indicator family).
  'greet',
  'greet_new',
  'smalltalk',
  'compliment',
  'reply_ok',
  'reply_unsure',
  'reply_info',
  'reply_scared',
  'reply_laugh',
  // Risky moves (one indicator family each).
  'risky_probe',
  'risky_gift',
  'risky_secrecy',
  'risky_move_app',
  'risky_photo',
  'risky_meet',
  'risky_threat',
  'risky_pay',
  'risky_deadline',
  // Teen peers.
  'peer_secret',
  'peer_selfie',
  'peer_meet',
  'peer_split',
  'peer_banter',
  // Family.
  'family_surprise',
  'family_gift',
  'family_pickup',
  'family_call',
  // Coaches, teachers, tutors.
  'coach_schedule',
  'coach_birth_year',
  'coach_call',
  'coach_deadline',
  'coach_fee',
  // Gaming teammates.
  'game_gift',
  'game_voice',
  'game_region',
  'game_age',
  'game_hurry',
  // Adults dating adults.
  'dating_photo',
  'dating_meet',
  'dating_app',
  'dating_quiet',
  'dating_age',
  // Customer support.
  'support_verify',
  'support_code',
  'support_deadline',
  'support_app',
  'support_photo',
  // Scam-awareness lessons quoting what extortionists say.
  'lesson_threat',
  'lesson_pay',
  'lesson_move',
  'lesson_question',
] as const;

export type TemplateKey = (typeof templateKeys)[number];

/** A language's templates: at least one line per key. */
export type LanguageTemplates = Readonly<Record<TemplateKey, readonly string[]>>;
