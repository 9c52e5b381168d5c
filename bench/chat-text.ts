/**
 * `npm run bench -- chat-text [--messages N]` (N default 100,000): chat text through the
 * analyser on one core, CPU time (`process.cpuUsage`, user + system) so the shared machine's load
 * does not count. Messages are synthetic, plainly fake lines in the five shipped languages (most
 * benign, some with indicator phrases, evasive spellings and payment handles), in conversations of
 * 20 messages. Sides, in the same run:
 * - analyser, conversation language kept by a `LanguageTracker` (as the chat pack does): the
 *   whole path, normalise + language + match + handles;
 * - analyser, conversation language already known (the tracker's cost left out);
 * - analyser, language identified from each message alone (no conversation language): worst case;
 * - stages alone (normalise; language; handles) to show where the time goes;
 * - naive baseline: every shipped phrase as one word-bounded, case-insensitive RegExp run over the
 *   raw text (no normalisation at all), the design the word trie replaces.
 * The goal is ≥ 20,000 messages/s for the whole path including the engine.
 */
import {
  createChatAnalyser,
  extractHandles,
  identifyLanguage,
  LanguageTracker,
  loadLanguageIdentification,
  normalise,
  shippedLexicons,
} from '../src/chat/index.js';
import { describeMachine } from './lib/machine.js';
import { finishBenchmark, printTable } from './lib/report.js';

function option(args: string[], name: string, fallback: number): number {
  const index = args.indexOf(name);
  const value = index >= 0 ? Number(args[index + 1]) : fallback;
  if (!Number.isSafeInteger(value) || value <= 0) throw new Error(`${name} takes a positive whole number`);
  return value;
}

const benign: Record<string, string[]> = {
  en: [
    'hey how was practice today?',
    'did you finish the maths homework, I am stuck on question four',
    'lol that video was so funny 😂',
    'my mum says dinner is at seven so I have to go soon',
    'are you coming to the club on saturday? the coach moved it to 10am',
    'gg that last round was close, want to queue again?',
  ],
  fr: [
    "t'as fini les devoirs de maths ?",
    'on se retrouve au club samedi, le coach a changé l’horaire',
    'trop drôle la vidéo 😂',
    'ma mère dit que le dîner est à sept heures',
  ],
  es: [
    '¿terminaste la tarea de matemáticas?',
    'el entrenamiento es el sábado a las diez',
    'jajaja qué gracioso el video',
    'mi mamá dice que la cena es a las siete',
  ],
  pt: [
    'você terminou a lição de matemática?',
    'o treino mudou para sábado às dez',
    'kkkk que vídeo engraçado',
    'minha mãe disse que o jantar é às sete',
  ],
  tl: [
    'tapos mo na ba yung assignment sa math?',
    'may practice tayo sa sabado ng umaga',
    'haha ang kulit nung video',
    'sabi ni mama kakain na kami mamaya',
  ],
};

const indicators: Record<string, string[]> = {
  en: [
    "don't tell your parents about this",
    'what grade are you in?',
    'add me on telegram',
    'buy a gift card and send the code AB12-CD34-EF56-GH78',
    'you have 30 minutes',
  ],
  fr: ['ne dis rien à tes parents', 'tu es en quelle classe ?', 'envoie le code maintenant'],
  es: ['no le digas a tus padres', '¿en qué grado estás?', 'manda el código ya'],
  pt: ['não conta pros seus pais', 'me chama no zap', 'faz um pix agora'],
  tl: ['wag mong sabihin sa parents mo', 'anong grade mo na?', 'send mo sa gcash ngayon'],
};

const evasive = [
  "d0n't t3ll y0ur p@r3nts",
  'k e e p  t h i s  b e t w e e n  u s',
  'dont tell your ｐａｒｅｎｔｓ',
  'pay $fakename123 or call +1 201 555 0123',
];

interface Message {
  conversation: number;
  text: string;
}

/** Deterministic synthetic traffic: 20-message conversations, 85 % benign, 12 % indicator phrases, 3 % evasive. */
function messages(count: number): Message[] {
  const languages = Object.keys(benign);
  const out: Message[] = [];
  let seed = 42;
  const next = () => {
    seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
    return seed / 2_147_483_648;
  };
  for (let i = 0; i < count; i += 1) {
    const conversation = Math.floor(i / 20);
    const language = languages[conversation % languages.length] as string;
    const roll = next();
    const pool =
      roll < 0.85 ? (benign[language] as string[]) : roll < 0.97 ? (indicators[language] as string[]) : evasive;
    out.push({ conversation, text: pool[Math.floor(next() * pool.length)] as string });
  }
  return out;
}

function cpuSeconds(work: () => void): number {
  const start = process.cpuUsage();
  work();
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1e6;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export async function run(args: string[]): Promise<void> {
  const count = option(args, '--messages', 100_000);
  const traffic = messages(count);
  await loadLanguageIdentification();
  const analyser = createChatAnalyser({ defaultPhoneRegion: 'US' });
  // Warm-up: compile, fill the fold cache, let the JIT settle.
  for (const message of traffic.slice(0, 2000))
    analyser.analyse({ messageId: 'w', conversationId: 'w', senderId: 's', text: message.text });

  let hits = 0;
  const withTracker = cpuSeconds(() => {
    const trackers = new Map<number, LanguageTracker>();
    for (const [index, message] of traffic.entries()) {
      let tracker = trackers.get(message.conversation);
      if (tracker === undefined) {
        trackers.clear();
        tracker = new LanguageTracker();
        trackers.set(message.conversation, tracker);
      }
      const language = tracker.observe(message.text).language;
      const result = analyser.analyse({
        messageId: `m${index}`,
        conversationId: `c${message.conversation}`,
        senderId: 'u1',
        text: message.text,
        conversationLanguage: language,
      });
      hits += result.hits.length;
    }
  });
  const languages = Object.keys(benign);
  const knownLanguage = cpuSeconds(() => {
    for (const [index, message] of traffic.entries()) {
      const language = languages[message.conversation % languages.length] as string;
      analyser.analyse({
        messageId: `m${index}`,
        conversationId: 'c',
        senderId: 'u1',
        text: message.text,
        conversationLanguage: language,
      });
    }
  });
  const perMessage = cpuSeconds(() => {
    for (const [index, message] of traffic.entries()) {
      analyser.analyse({ messageId: `m${index}`, conversationId: 'c', senderId: 'u1', text: message.text });
    }
  });
  let sink = 0;
  const normaliseOnly = cpuSeconds(() => {
    for (const message of traffic) sink += normalise(message.text).tokens.length;
  });
  const languageOnly = cpuSeconds(() => {
    for (const message of traffic) sink += identifyLanguage(message.text).confidence;
  });
  const handlesOnly = cpuSeconds(() => {
    for (const message of traffic) sink += extractHandles(message.text, { defaultPhoneRegion: 'US' }).length;
  });
  const phrases = shippedLexicons()
    .filter((bank) => bank.kind === 'indicators')
    .flatMap((bank) => bank.entries.map((entry) => entry.phrase.replace(/\*/g, '')));
  const patterns = phrases.map((phrase) => new RegExp(`\\b${escapeRegExp(phrase.trim())}\\b`, 'iu'));
  // The naive side is slow: it runs on a tenth of the traffic and is scaled.
  const naiveCount = Math.max(1000, Math.floor(count / 10));
  let naiveHits = 0;
  const naive = cpuSeconds(() => {
    for (const message of traffic.slice(0, naiveCount)) {
      for (const pattern of patterns) if (pattern.test(message.text)) naiveHits += 1;
    }
  });

  const rate = (seconds: number, n = count) => Math.round(n / seconds);
  const rows: (string | number)[][] = [
    ['analyser, conversation language (whole path)', rate(withTracker), (withTracker / count) * 1e6],
    ['analyser, conversation language already known', rate(knownLanguage), (knownLanguage / count) * 1e6],
    ['analyser, language per message', rate(perMessage), (perMessage / count) * 1e6],
    ['  normalise only', rate(normaliseOnly), (normaliseOnly / count) * 1e6],
    ['  language identification only', rate(languageOnly), (languageOnly / count) * 1e6],
    ['  handle extraction only', rate(handlesOnly), (handlesOnly / count) * 1e6],
    [
      `naive: ${patterns.length} RegExps over raw text (no normalisation)`,
      rate(naive, naiveCount),
      (naive / naiveCount) * 1e6,
    ],
  ].map(([label, perSecond, micros]) => [label as string, perSecond as number, (micros as number).toFixed(2)]);
  console.log(`chat text, ${count.toLocaleString('en')} synthetic messages, one core, CPU time`);
  console.log(JSON.stringify(describeMachine()));
  printTable(['side', 'messages/s', 'µs/message'], rows);
  const ratio = rate(withTracker) / rate(naive, naiveCount);
  console.log(
    `whole path vs naive RegExp scan: ${ratio.toFixed(1)}× (goal for the whole chat path with the engine: ≥ 20,000 msg/s)`,
  );
  await finishBenchmark('chat-text', {
    messages: count,
    entries: phrases.length,
    hitsWholePath: hits,
    messagesPerSecond: {
      wholePathConversationLanguage: rate(withTracker),
      analyserLanguageKnown: rate(knownLanguage),
      wholePathLanguagePerMessage: rate(perMessage),
      normaliseOnly: rate(normaliseOnly),
      languageOnly: rate(languageOnly),
      handlesOnly: rate(handlesOnly),
      naiveRegExpBaseline: rate(naive, naiveCount),
    },
    naiveMessages: naiveCount,
    naiveHits,
    ratioWholePathToNaive: Number(ratio.toFixed(2)),
    goalMessagesPerSecond: 20_000,
    sink: sink > 0,
  });
}
