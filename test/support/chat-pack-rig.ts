import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ActionPlanner } from '../../src/actions/index.js';
import { type EngineProblem, openEngine, type SignalsEngine } from '../../src/engine/index.js';
import type { RulePack } from '../../src/packs/index.js';
import type { BuiltinRuleSettings } from '../../src/rules/index.js';
import { openStorage, type Storage } from '../../src/storage/index.js';

/** Test support for the chat pack's engine tests (src/chat/chat-pack/*.engine.test.ts). */

/** Two days before today at 10:00 UTC: recent, so labels set by the scenario have not lapsed when read now. */
const startMs = Math.floor(Date.now() / 86_400_000) * 86_400_000 - 2 * 86_400_000 + 10 * 3_600_000;

/** The test scenario's clock: `minutes` after its start, as ISO-8601. */
export const at = (minutes: number) => new Date(startMs + minutes * 60_000).toISOString();

/** A `message.sent` from `user` to `recipient`, with `data` (text and metadata, all optional). */
export function message(
  id: string,
  user: string,
  recipient: string,
  minutes: number,
  data: Record<string, unknown> = {},
) {
  return { id, type: 'message.sent', time: at(minutes), entities: { user, recipient }, data };
}

/** An `account.created` for `user` stating `data` (ages, organisation). */
export function account(user: string, minutes: number, data: Record<string, unknown> = {}) {
  return { id: `acct-${user}`, type: 'account.created', time: at(minutes), entities: { user }, data };
}

/** Every chat pack rule active (shadow is the default). */
export const chatRulesActive: Readonly<Record<string, BuiltinRuleSettings>> = Object.freeze({
  chat_single_indicator_label: { mode: 'active' },
  chat_grooming_families: { mode: 'active' },
  chat_sextortion_fast_path: { mode: 'active' },
  chat_sextortion_threat_new_contact: { mode: 'active' },
  chat_metadata_contact_pattern: { mode: 'active' },
  chat_minor_to_minor_families: { mode: 'active' },
  chat_classifier_high_score: { mode: 'active' },
});

export interface ChatRig {
  readonly storage: Storage;
  readonly engine: SignalsEngine;
  readonly problems: EngineProblem[];
  close(): Promise<void>;
}

/** An engine on `storage` with an empty policy and exactly `packs`. */
export async function openChatEngine(
  storage: Storage,
  packs: readonly RulePack[],
  settings: Readonly<Record<string, BuiltinRuleSettings>>,
  directory: string,
  actions?: ActionPlanner,
): Promise<ChatRig> {
  const problems: EngineProblem[] = [];
  const { engine } = await openEngine(storage.engine, join(directory, 'no-policy'), {
    packs,
    builtinRuleSettings: settings,
    onProblem: (problem) => problems.push(problem),
    ...(actions === undefined ? {} : { actions }),
  });
  return {
    storage,
    engine,
    problems,
    close: async () => {
      await engine.close();
      await storage.close();
    },
  };
}

/** A fresh SQLite directory, and its removal. */
export async function sqliteDirectory(): Promise<{
  directory: string;
  open: () => Promise<Storage>;
  remove: () => Promise<void>;
}> {
  const directory = await mkdtemp(join(tmpdir(), 'prevail-chat-'));
  return {
    directory,
    open: () => openStorage({ dataDir: directory }),
    remove: () => rm(directory, { recursive: true, force: true }),
  };
}
