import { createWriteStream } from 'node:fs';
import type { Writable } from 'node:stream';
import { Command, InvalidArgumentError } from 'commander';
import {
  type ChatLabel,
  type ChatSimEvent,
  chatLanguages,
  chatLanguagesOf,
  maximumChatConversations,
  simulateChats,
} from '../../simulate/index.js';
import type { CliIo } from '../io.js';

interface SimulateChatsOptions {
  seed: number;
  conversations: number;
  languages: string;
  out: string;
  labels?: string;
}

function wholeNumber(minimum: number, maximum: number) {
  return (value: string): number => {
    const parsed = Number(value.replace(/_/g, ''));
    if (!Number.isSafeInteger(parsed) || parsed < minimum || parsed > maximum) {
      throw new InvalidArgumentError(`expected a whole number from ${minimum} to ${maximum}`);
    }
    return parsed;
  };
}

/** Writes `lines` as JSONL to `stream` in chunks, waiting when the stream asks to slow down. */
async function writeLines(stream: Writable, lines: readonly (ChatSimEvent | ChatLabel)[]): Promise<void> {
  for (let index = 0; index < lines.length; index += 1000) {
    const chunk = lines
      .slice(index, index + 1000)
      .map((line) => `${JSON.stringify(line)}\n`)
      .join('');
    if (!stream.write(chunk)) await new Promise((resolve) => stream.once('drain', resolve));
  }
}

async function writeFile(path: string, lines: readonly (ChatSimEvent | ChatLabel)[]): Promise<void> {
  const stream = createWriteStream(path);
  const closed = new Promise<void>((resolve, reject) => {
    stream.once('error', reject);
    stream.once('finish', resolve);
  });
  await writeLines(stream, lines);
  stream.end();
  await closed;
}

/** `prevail simulate chats`: a deterministic synthetic chat scenario and its labels. */
export function simulateChatsCommand(io: CliIo, setExitCode: (code: number) => void): Command {
  return new Command('chats')
    .summary('generate deterministic synthetic conversations (grooming, sextortion, benign look-alikes) and labels')
    .description(
      [
        `Generate --conversations conversations in the --languages given (${chatLanguages.join(', ')}; used in turn): grooming trajectories that reorder and skip stages (fast, minutes long, and slow, days long), sextortion scripts (new contact, rapport, move to another app, photo request, a threat naming friends, family or school, a gift-card or P2P payment instruction with a deadline, in under an hour) and benign look-alikes that share the vocabulary (teen peers, family, coaches and teachers, gaming teammates, adults dating adults, customer support, scam-awareness lessons quoting threats). Some lines are spelled evasively (leet, spacing, homoglyphs); about 15 % of conversations carry no text at all (an end-to-end encrypted service: metadata only). Everything is plainly fake and non-sexual. The same --seed, --conversations and --languages always give the same bytes. See docs/chat.md, "Evaluation".`,
        'Events (JSONL, one engine event per line, sorted by time): account.created (country; age_assurance; age_years with age_source assured or declared; verified_organisation for some coaches and teachers), message.sent (user, recipient, conversation; text and chars, or chars only; local_hour; has_attachment for a picture; mutual_contacts and relationship when the platform knows them), gift.sent, payment.sent from sextortion victims to the handle they were told to pay, and report.filed (user: the reported account, reporter: who reported or blocked; category block for a block) — reports and blocks by others and one-message contact bursts to many accounts, in risky and benign populations alike, at rates the generator assumes (docs/chat.md).',
        'Labels (JSONL, one line per conversation): {conversation, seed, class (grooming, sextortion, benign), slice, language, users, ages, messages, firstRiskyTurn, moves, families, evasive, textless, durationMinutes}.',
        'Tune rules on seeds 1 to 3 only; report figures on seeds never tuned on.',
      ].join('\n\n'),
    )
    .requiredOption('--seed <n>', 'random seed, a whole number ≥ 0', wholeNumber(0, Number.MAX_SAFE_INTEGER))
    .option(
      '--conversations <n>',
      `conversations, 1–${maximumChatConversations}`,
      wholeNumber(1, maximumChatConversations),
      1000,
    )
    .option('--languages <list>', 'comma-separated languages', chatLanguages.join(','))
    .option('--out <file>', 'where to write the events (- for standard output)', '-')
    .option(
      '--labels <file>',
      'where to write the labels (default: <out>.labels.jsonl; with events on standard output, only when given)',
    )
    .action(async (options: SimulateChatsOptions) => {
      const languages = chatLanguagesOf(options.languages.split(',').map((part) => part.trim()));
      const simulation = simulateChats({ seed: options.seed, conversations: options.conversations, languages });
      const toStdout = options.out === '-';
      const labelsFile = options.labels ?? (toStdout ? undefined : `${options.out}.labels.jsonl`);
      if (toStdout) await writeLines(io.stdout, simulation.events);
      else await writeFile(options.out, simulation.events);
      if (labelsFile !== undefined) await writeFile(labelsFile, simulation.labels);
      const classes = ['grooming', 'sextortion', 'benign']
        .map((name) => `${name} ${simulation.labels.filter((label) => label.class === name).length}`)
        .join(', ');
      io.stderr.write(
        `simulated ${simulation.labels.length} conversations (${classes}) in ${languages.join(', ')}: ${simulation.events.length} events (seed ${options.seed})\n` +
          (labelsFile === undefined
            ? 'labels: not written (pass --labels FILE when writing to stdout)\n'
            : `labels: ${labelsFile}\n`),
      );
      setExitCode(0);
    });
}
