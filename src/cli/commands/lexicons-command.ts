import { copyFile, mkdir, readdir, rename, writeFile } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';
import { Command, Option } from 'commander';
import { stringify as toYaml } from 'yaml';
import type { LexiconBank } from '../../chat/index.js';
import { EngineError, toEngineError } from '../../core/index.js';
import { cliSettings } from '../cli-settings.js';
import type { CliIo } from '../io.js';

/**
 * The chat module, loaded when a lexicons command runs: it loads the language-identification
 * database (about 0.6 s of CPU), which no other command should pay for at start-up.
 */
const chat = () => import('../../chat/index.js');

/** The folder of the policy directory that holds operator banks (`lexiconFolder` in chat). */
const lexiconFolder = 'lexicons';

interface PolicyOptions {
  policy?: string;
}

function familyCounts(bank: LexiconBank): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const entry of bank.entries) counts[entry.family] = (counts[entry.family] ?? 0) + 1;
  return counts;
}

function summary(bank: LexiconBank, origin: string): Record<string, unknown> {
  return {
    name: bank.name,
    version: bank.version,
    language: bank.language,
    kind: bank.kind,
    origin,
    entries: bank.entries.length,
    families: familyCounts(bank),
  };
}

function withPolicy(command: Command): Command {
  return command.option(
    '--policy <dir>',
    `the policy directory whose ${lexiconFolder}/ folder holds your banks (env PREVAIL_POLICY_DIR)`,
    cliSettings().policyDir,
  );
}

function requirePolicy(options: PolicyOptions): string {
  if (options.policy === undefined || options.policy === '') {
    throw new EngineError('CONFIG_INVALID', 'give the policy directory with --policy or PREVAIL_POLICY_DIR');
  }
  return options.policy;
}

/**
 * `prevail lexicons list|check|export|import`: chat lexicon banks (docs/chat-lexicons.md).
 * `list` prints every bank the analyser would load (shipped, then the policy directory's), one
 * JSON line each with its entry count per family; `check` checks files as the loader does (one
 * line per file, exit 1 if any fails); `export` writes a bank as JSON or YAML; `import` checks a
 * file and copies it into `<policy>/lexicons/` (refused when its name is taken, unless it replaces
 * the same bank with `--replace`).
 */
export function lexiconsCommand(io: CliIo, setExitCode: (code: number) => void): Command {
  const write = (value: unknown) => io.stdout.write(`${JSON.stringify(value)}\n`);
  const lexicons = new Command('lexicons').summary('chat lexicon banks: list, check, export, import');
  lexicons.addCommand(
    withPolicy(new Command('list'))
      .summary('list the shipped banks and the policy directory’s banks')
      .action(async (options: PolicyOptions) => {
        const { loadOperatorLexicons, shippedLexicons } = await chat();
        for (const bank of shippedLexicons()) write(summary(bank, 'shipped'));
        for (const bank of await loadOperatorLexicons(options.policy)) write(summary(bank, 'policy'));
      }),
  );
  lexicons.addCommand(
    new Command('check')
      .summary('check lexicon files (JSON or YAML) as the loader does')
      .argument('<files...>', 'lexicon files')
      .action(async (files: string[]) => {
        const { readLexiconFile, shippedLexicons } = await chat();
        const taken = new Set(shippedLexicons().map((bank) => bank.name));
        for (const file of files) {
          try {
            const bank = await readLexiconFile(file);
            if (taken.has(bank.name)) {
              throw new EngineError('LEXICON_INVALID', `${file}: the name '${bank.name}' is a shipped bank's`);
            }
            write({ file, ok: true, ...summary(bank, 'file') });
          } catch (error) {
            write({ file, ok: false, error: toEngineError(error).toJSON() });
            setExitCode(1);
          }
        }
      }),
  );
  lexicons.addCommand(
    withPolicy(new Command('export'))
      .summary('write a bank (shipped or from the policy directory) as a file')
      .argument('<name>', 'the bank name (see lexicons list)')
      .option('--out <file>', 'write here instead of standard output')
      .addOption(new Option('--format <format>', 'file format').choices(['json', 'yaml']).default('json'))
      .action(async (name: string, options: PolicyOptions & { out?: string; format: 'json' | 'yaml' }) => {
        const { loadOperatorLexicons, shippedLexicons } = await chat();
        const banks = [...shippedLexicons(), ...(await loadOperatorLexicons(options.policy))];
        const bank = banks.find((candidate) => candidate.name === name);
        if (bank === undefined) throw new EngineError('LEXICON_NOT_FOUND', `no lexicon bank is named '${name}'`);
        const text = options.format === 'yaml' ? toYaml(bank) : `${JSON.stringify(bank, null, 1)}\n`;
        if (options.out === undefined) io.stdout.write(text);
        else {
          await writeFile(options.out, text, 'utf8');
          write({ exported: bank.name, version: bank.version, file: options.out });
        }
      }),
  );
  lexicons.addCommand(
    withPolicy(new Command('import'))
      .summary('check a lexicon file and copy it into the policy directory')
      .argument('<file>', 'a lexicon file (.json, .yaml or .yml)')
      .option('--replace', 'replace the policy directory’s bank of the same name')
      .action(async (file: string, options: PolicyOptions & { replace?: boolean }) => {
        const { isLexiconFileName, loadOperatorLexicons, readLexiconFile, shippedLexicons } = await chat();
        const policy = requirePolicy(options);
        if (!isLexiconFileName(file))
          throw new EngineError('LEXICON_INVALID', `${file}: a lexicon file ends in .json, .yaml or .yml`);
        const bank = await readLexiconFile(file);
        if (shippedLexicons().some((shipped) => shipped.name === bank.name)) {
          throw new EngineError('LEXICON_INVALID', `${file}: the name '${bank.name}' is a shipped bank's`);
        }
        const folder = join(policy, lexiconFolder);
        await mkdir(folder, { recursive: true });
        const existing = await loadOperatorLexicons(policy);
        const same = existing.find((other) => other.name === bank.name);
        if (same !== undefined && options.replace !== true) {
          throw new EngineError(
            'LEXICON_INVALID',
            `${file}: the policy directory already has a bank named '${bank.name}' (use --replace)`,
          );
        }
        if (same !== undefined) {
          for (const name of await readdir(folder)) {
            if (!isLexiconFileName(name)) continue;
            const other = await readLexiconFile(join(folder, name));
            if (other.name === bank.name) await rename(join(folder, name), join(folder, `${name}.replaced`));
          }
        }
        const target = join(folder, `${bank.name}${extname(file).toLowerCase()}`);
        await copyFile(file, target);
        write({
          imported: bank.name,
          version: bank.version,
          from: basename(file),
          file: target,
          entries: bank.entries.length,
        });
      }),
  );
  return lexicons;
}
