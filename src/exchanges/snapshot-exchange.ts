import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { isAbsolute } from 'node:path';
import { EngineError } from '../core/index.js';
import type { ExchangeCheckpoint, ExchangeClient, ExchangeDelta, ExchangePage } from './exchange-client.js';
import { checkFields } from './exchange-config.js';
import type { ExchangeField, ExchangeKind } from './exchange-kind.js';
import { readHashList } from './read-hash-list.js';
import { type HashListFormatOption, type HashListSource, parseHashListFormat } from './types.js';
import { readUpstream } from './upstream-read.js';

/** Most entries one snapshot may hold (it is committed as one page). */
export const maxSnapshotEntries = 5_000_000;
/** Most bytes one snapshot may have. */
export const maxSnapshotBytes = 2 * 1024 ** 3;

/** What a snapshot client needs: where the list is and how to read it. */
interface SnapshotSettings {
  readonly location: string;
  readonly format: HashListFormatOption;
  readonly signalType?: string | undefined;
  readonly open: (signal: AbortSignal | undefined) => Promise<HashListSource>;
  readonly maxEntries: number;
}

/**
 * A file or URL snapshot exchange: each fetch reads the whole hash list (any format
 * `prevail bank import` reads) and hands it over as **one** page that replaces the bank's content
 * (`replacesAll`), so a value that vanished from the list is deleted from the bank (pytx's
 * `local_file` never deletes). Keys are `<signalType>:<value>`; the record keeps the line's
 * `externalId`, `category` and `addedAt`. The checkpoint is the SHA-256 of the bytes read: an
 * unchanged list is an empty page. Lines the reader rejects are counted in the page's metadata,
 * never guessed at.
 */
class SnapshotExchangeClient implements ExchangeClient {
  constructor(
    readonly kind: string,
    private readonly settings: SnapshotSettings,
  ) {}

  async fetchPage(
    checkpoint: ExchangeCheckpoint | null,
    options: { signal?: AbortSignal | undefined } = {},
  ): Promise<ExchangePage> {
    const digest = createHash('sha256');
    let bytes = 0;
    const source = await this.settings.open(options.signal);
    const location = this.settings.location;
    async function* counted(): AsyncGenerator<Uint8Array | string> {
      for await (const chunk of source) {
        const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
        bytes += buffer.length;
        if (bytes > maxSnapshotBytes) {
          throw new EngineError('EXCHANGE_PAGE_MALFORMED', `${location} is larger than ${maxSnapshotBytes} bytes`);
        }
        digest.update(buffer);
        yield buffer;
      }
    }
    const deltas = new Map<string, ExchangeDelta>();
    let rejected = 0;
    try {
      for await (const item of readHashList(counted(), {
        format: this.settings.format,
        signalType: this.settings.signalType,
      })) {
        if (item.kind === 'rejected') {
          rejected++;
          continue;
        }
        const key = `${item.signalType}:${item.value}`;
        const metadata: Record<string, unknown> = {};
        if (item.externalId !== undefined) metadata.externalId = item.externalId;
        if (item.category !== undefined) metadata.category = item.category;
        if (item.addedAt !== undefined) metadata.addedAt = item.addedAt;
        deltas.set(key, { key, record: { signals: [{ signalType: item.signalType, value: item.value }], metadata } });
        if (deltas.size > this.settings.maxEntries) {
          throw new EngineError(
            'EXCHANGE_PAGE_MALFORMED',
            `${location} holds more than ${this.settings.maxEntries} entries; a snapshot is committed whole`,
          );
        }
      }
    } catch (error) {
      if (error instanceof EngineError && error.code.startsWith('EXCHANGE_')) throw error;
      options.signal?.throwIfAborted();
      const message = error instanceof Error ? error.message : String(error);
      throw new EngineError('EXCHANGE_PAGE_MALFORMED', `${location} could not be read as a hash list: ${message}`, {
        cause: error,
      });
    }
    const sha256 = digest.digest('hex');
    const next = { sha256, entries: deltas.size, rejectedLines: rejected };
    if (checkpoint !== null && checkpoint.sha256 === sha256) return { deltas: [], checkpoint: next, more: false };
    return { deltas: [...deltas.values()], checkpoint: next, more: false, replacesAll: true };
  }
}

const formatField: ExchangeField = {
  name: 'format',
  type: 'enum',
  required: false,
  default: 'auto',
  help: 'The hash list format (as prevail bank import): auto, typed, bare, te-csv or pdq-tool',
  choices: ['auto', 'typed', 'bare', 'te-csv', 'pdq-tool'],
};
const signalTypeField: ExchangeField = {
  name: 'signal_type',
  type: 'string',
  required: false,
  default: null,
  help: 'The signal type of a bare list (pdq, md5, sha256), or the default of te-csv rows',
};
const maxEntriesField: ExchangeField = {
  name: 'max_entries',
  type: 'number',
  required: false,
  default: 1_000_000,
  help: `Refuse a list with more entries than this (at most ${maxSnapshotEntries}); a snapshot is held and committed whole`,
};

function readingSettings(config: Readonly<Record<string, unknown>>) {
  const maxEntries = Number(config.max_entries ?? 1_000_000);
  if (!Number.isInteger(maxEntries) || maxEntries < 1 || maxEntries > maxSnapshotEntries) {
    throw new EngineError('EXCHANGE_INVALID', `max_entries must be an integer from 1 to ${maxSnapshotEntries}`);
  }
  const format = parseHashListFormat(String(config.format ?? 'auto'));
  const signalType = typeof config.signal_type === 'string' ? config.signal_type : undefined;
  return { maxEntries, format, signalType };
}

/** `file`: a hash list at an absolute path on this machine, re-read whole at every fetch. */
export const fileExchangeKind: ExchangeKind = {
  kind: 'file',
  hmaName: 'local_file',
  description: 'A hash list file on this machine, re-read whole at each fetch; vanished lines are deleted',
  configFields: [
    { name: 'path', type: 'string', required: true, default: null, help: 'Absolute path of the hash list file' },
    formatField,
    signalTypeField,
    maxEntriesField,
  ],
  credentialFields: null,
  parseConfig(config) {
    const checked = checkFields('file exchange config', fileExchangeKind.configFields, config);
    if (!isAbsolute(String(checked.path))) throw new EngineError('EXCHANGE_INVALID', 'path must be absolute');
    readingSettings(checked);
    return checked;
  },
  createClient(config) {
    const path = String(config.path);
    return new SnapshotExchangeClient('file', {
      ...readingSettings(config),
      location: 'the hash list file',
      open: async () => {
        const stream = createReadStream(path);
        await new Promise<void>((resolve, reject) => {
          stream.once('open', () => resolve());
          stream.once('error', (error) =>
            reject(
              new EngineError(
                'EXCHANGE_UNAVAILABLE',
                `the hash list file cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`,
              ),
            ),
          );
        });
        return stream;
      },
    });
  },
};

/** `url`: a hash list at an http(s) URL, fetched whole at each fetch with {@link readUpstream}. */
export const urlExchangeKind: ExchangeKind = {
  kind: 'url',
  description:
    'A hash list at an http(s) URL, fetched whole at each fetch (retries, timeouts); vanished lines are deleted',
  configFields: [
    { name: 'url', type: 'string', required: true, default: null, help: 'The http:// or https:// URL of the list' },
    formatField,
    signalTypeField,
    maxEntriesField,
    { name: 'timeout_ms', type: 'number', required: false, default: 60_000, help: 'Deadline of one request, ms' },
  ],
  credentialFields: [
    {
      name: 'authorization',
      type: 'string',
      required: false,
      default: null,
      help: 'An Authorization header value sent with the request (e.g. "Bearer …")',
    },
  ],
  parseConfig(config) {
    const checked = checkFields('url exchange config', urlExchangeKind.configFields, config);
    checkListUrl(String(checked.url));
    const timeout = Number(checked.timeout_ms);
    if (!Number.isInteger(timeout) || timeout < 100 || timeout > 600_000) {
      throw new EngineError('EXCHANGE_INVALID', 'timeout_ms must be an integer from 100 to 600000');
    }
    readingSettings(checked);
    return checked;
  },
  createClient(config, credentials) {
    const url = String(config.url);
    const authorization = typeof credentials?.authorization === 'string' ? credentials.authorization : undefined;
    return new SnapshotExchangeClient('url', {
      ...readingSettings(config),
      location: new URL(url).host,
      open: async (signal) => {
        const response = await readUpstream(url, {
          timeoutMs: Number(config.timeout_ms ?? 60_000),
          signal,
          ...(authorization === undefined ? {} : { headers: { authorization } }),
        });
        if (response.body === null) return [];
        return response.body as unknown as AsyncIterable<Uint8Array>;
      },
    });
  },
};

/** @throws EngineError `EXCHANGE_INVALID` unless `text` is an http(s) URL without credentials. */
export function checkListUrl(text: string): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new EngineError('EXCHANGE_INVALID', 'url is not a URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new EngineError('EXCHANGE_INVALID', 'url must be http:// or https://');
  }
  if (url.username !== '' || url.password !== '') {
    throw new EngineError('EXCHANGE_INVALID', 'url must not carry credentials; set them as the exchange credentials');
  }
  return url;
}
