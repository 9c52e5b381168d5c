import { readdir, readFile } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { EngineError } from '../../core/index.js';
import { checkLexicon, type LexiconBank } from './lexicon.js';
import { shippedLexicons } from './shipped-lexicons.js';

/** The folder of a policy directory that holds operators' lexicon banks. */
export const lexiconFolder = 'lexicons';

const maxFileBytes = 4 * 1024 * 1024;
const lexiconExtensions = new Set(['.json', '.yaml', '.yml']);

/** True for a file name a lexicon folder reads (`.json`, `.yaml`, `.yml`). */
export function isLexiconFileName(name: string): boolean {
  return lexiconExtensions.has(extname(name).toLowerCase());
}

/** Parses and checks one lexicon file's text (JSON, or YAML by extension). */
export function parseLexiconText(text: string, fileName: string): LexiconBank {
  if (text.length > maxFileBytes) throw new EngineError('LEXICON_INVALID', `${fileName}: larger than 4 MiB`);
  let value: unknown;
  try {
    value = extname(fileName).toLowerCase() === '.json' ? JSON.parse(text) : parseYaml(text, { maxAliasCount: 0 });
  } catch (error) {
    throw new EngineError(
      'LEXICON_INVALID',
      `${fileName}: not valid ${extname(fileName).slice(1).toUpperCase()}: ${(error as Error).message}`,
    );
  }
  return checkLexicon(value, fileName);
}

/** Reads and checks one lexicon file. */
export async function readLexiconFile(path: string): Promise<LexiconBank> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const missing = (error as NodeJS.ErrnoException).code === 'ENOENT';
    throw new EngineError(missing ? 'INPUT_NOT_FOUND' : 'INPUT_UNREADABLE', `${path}: ${(error as Error).message}`);
  }
  return parseLexiconText(text, path);
}

/**
 * The operator's lexicon banks in `<policyDirectory>/lexicons/` (every `.json`, `.yaml`, `.yml`
 * file, in name order; none when the folder is absent). Their families may be shipped ones or
 * the operator's own `custom:<name>`.
 * @throws EngineError LEXICON_INVALID for a bad file, or when two banks (operator or shipped)
 *   share a name: names are provenance and must be unique.
 */
export async function loadOperatorLexicons(policyDirectory: string | undefined): Promise<LexiconBank[]> {
  if (policyDirectory === undefined || policyDirectory === '') return [];
  const folder = join(policyDirectory, lexiconFolder);
  let names: string[];
  try {
    names = (await readdir(folder)).filter(isLexiconFileName).sort();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw new EngineError('INPUT_UNREADABLE', `${folder}: ${(error as Error).message}`);
  }
  const taken = new Set(shippedLexicons().map((bank) => bank.name));
  const banks: LexiconBank[] = [];
  for (const name of names) {
    const bank = await readLexiconFile(join(folder, name));
    if (taken.has(bank.name)) {
      throw new EngineError(
        'LEXICON_INVALID',
        `${join(folder, name)}: a bank named '${bank.name}' is already loaded; names must be unique`,
      );
    }
    taken.add(bank.name);
    banks.push(bank);
  }
  return banks;
}
