import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject, sign, verify } from 'node:crypto';
import { EngineError } from '../core/index.js';
import type { ExchangeCheckpoint, ExchangeClient, ExchangeDelta, ExchangePage } from './exchange-client.js';
import { checkFields } from './exchange-config.js';
import type { ExchangeKind } from './exchange-kind.js';
import { checkListUrl } from './snapshot-exchange.js';
import { readUpstream } from './upstream-read.js';

/**
 * The Prevail peer exchange: one Prevail publishes a bank as a signed, checkpointed delta log
 * (`GET /v1/exchange-feed/<bank>?after_content=&after_tombstone=&limit=`), another subscribes
 * with the publisher's Ed25519 public key, so two organisations share a list without a central
 * service. A page is JSON; its exact bytes are signed (header `Prevail-Feed-Signature`, base64
 * Ed25519) and name the bank and the checkpoint it answers, so a page cannot be altered, replayed
 * for another bank or served for another checkpoint without the subscriber refusing it.
 *
 * Keys are the publisher's content ids (`c<id>`): content is added under a new id and never
 * changes signals, so an addition and the tombstone of an id never conflict and pages apply in
 * any order. The checkpoint is `{ content, tombstone }`: the last content id and tombstone
 * sequence handed out.
 */
export const feedFormat = 'prevail-exchange-feed/1';
/** The response header carrying a page's signature. */
export const feedSignatureHeader = 'prevail-feed-signature';
/** Largest page a subscriber reads (bytes). */
export const maxFeedPageBytes = 32 * 1024 * 1024;

/** One page of a published feed, as signed. */
export interface FeedPage {
  readonly format: typeof feedFormat;
  readonly bank: string;
  readonly after: { readonly content: number; readonly tombstone: number };
  readonly items: readonly {
    readonly key: string;
    readonly record: {
      readonly signals: readonly { readonly signalType: string; readonly value: string }[];
      readonly metadata: Readonly<Record<string, unknown>>;
    } | null;
  }[];
  readonly checkpoint: { readonly content: number; readonly tombstone: number };
  readonly more: boolean;
}

const pkcs8Ed25519Prefix = Buffer.from('302e020100300506032b657004220420', 'hex');
const spkiEd25519Prefix = Buffer.from('302a300506032b6570032100', 'hex');

function keyError(message: string): EngineError {
  return new EngineError('EXCHANGE_SIGNATURE_INVALID', message);
}

/** A feed signing key from 64 hex characters (the Ed25519 seed) or a PKCS#8 PEM. */
export function parseFeedSigningKey(text: string): KeyObject {
  const trimmed = text.trim();
  try {
    if (/^[0-9a-fA-F]{64}$/.test(trimmed)) {
      return createPrivateKey({
        key: Buffer.concat([pkcs8Ed25519Prefix, Buffer.from(trimmed, 'hex')]),
        format: 'der',
        type: 'pkcs8',
      });
    }
    const key = createPrivateKey(trimmed);
    if (key.asymmetricKeyType !== 'ed25519') throw new Error('not Ed25519');
    return key;
  } catch {
    throw keyError('the feed signing key is not an Ed25519 key (64 hex characters, or a PKCS#8 PEM)');
  }
}

/** A publisher's public key from base64 of its 32 raw bytes, 64 hex characters, or an SPKI PEM. */
export function parseFeedPublicKey(text: string): KeyObject {
  const trimmed = text.trim();
  try {
    let raw: Buffer | undefined;
    if (/^[0-9a-fA-F]{64}$/.test(trimmed)) raw = Buffer.from(trimmed, 'hex');
    else if (/^[A-Za-z0-9+/]{43}=$/.test(trimmed)) raw = Buffer.from(trimmed, 'base64');
    if (raw !== undefined) {
      return createPublicKey({ key: Buffer.concat([spkiEd25519Prefix, raw]), format: 'der', type: 'spki' });
    }
    const key = createPublicKey(trimmed);
    if (key.asymmetricKeyType !== 'ed25519') throw new Error('not Ed25519');
    return key;
  } catch {
    throw keyError('the publisher key is not an Ed25519 public key (base64 of 32 bytes, 64 hex characters, or a PEM)');
  }
}

/** The public key of a signing key as base64 of its 32 raw bytes (what subscribers configure). */
export function feedPublicKeyText(signingKey: KeyObject): string {
  const der = createPublicKey(signingKey).export({ format: 'der', type: 'spki' });
  return der.subarray(der.length - 32).toString('base64');
}

/** A new signing key: its 64-hex seed and its public key (`prevail exchange feed-keygen`). */
export function generateFeedKey(): { signingKey: string; publicKey: string } {
  const { privateKey } = generateKeyPairSync('ed25519');
  const der = privateKey.export({ format: 'der', type: 'pkcs8' });
  return { signingKey: der.subarray(der.length - 32).toString('hex'), publicKey: feedPublicKeyText(privateKey) };
}

/** Serialises and signs a page: the body bytes and their base64 Ed25519 signature. */
export function signFeedPage(page: FeedPage, signingKey: KeyObject): { body: string; signature: string } {
  const body = JSON.stringify(page);
  return { body, signature: sign(null, Buffer.from(body, 'utf8'), signingKey).toString('base64') };
}

const nonNegativeInteger = (value: unknown): value is number =>
  typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;

/**
 * Verifies and reads a page: the signature over the exact bytes first, then the shape, then that
 * it answers `bank` after `after`.
 * @throws EngineError `EXCHANGE_SIGNATURE_INVALID` (a missing or wrong signature, another bank or
 *   checkpoint); `EXCHANGE_PAGE_MALFORMED` (signed but not a feed page).
 */
export function verifyFeedPage(
  body: Buffer,
  signature: string | null,
  publicKey: KeyObject,
  expected: { bank: string; after: { content: number; tombstone: number } },
): FeedPage {
  const signatureBytes =
    signature !== null && /^[A-Za-z0-9+/]{86}==$/.test(signature) ? Buffer.from(signature, 'base64') : undefined;
  if (signatureBytes === undefined || !verify(null, body, publicKey, signatureBytes)) {
    throw keyError("the feed page's signature does not verify with the publisher's key; the page was refused");
  }
  let page: FeedPage;
  try {
    page = JSON.parse(body.toString('utf8')) as FeedPage;
  } catch {
    throw new EngineError('EXCHANGE_PAGE_MALFORMED', 'the signed feed page is not JSON');
  }
  const fine =
    typeof page === 'object' &&
    page !== null &&
    page.format === feedFormat &&
    Array.isArray(page.items) &&
    typeof page.more === 'boolean' &&
    nonNegativeInteger(page.checkpoint?.content) &&
    nonNegativeInteger(page.checkpoint?.tombstone) &&
    nonNegativeInteger(page.after?.content) &&
    nonNegativeInteger(page.after?.tombstone) &&
    page.items.every(
      (item) =>
        typeof item === 'object' &&
        item !== null &&
        typeof item.key === 'string' &&
        (item.record === null ||
          (typeof item.record === 'object' &&
            Array.isArray(item.record.signals) &&
            typeof item.record.metadata === 'object')),
    );
  if (!fine) throw new EngineError('EXCHANGE_PAGE_MALFORMED', 'the signed feed page is not a feed page');
  if (
    page.bank !== expected.bank ||
    page.after.content !== expected.after.content ||
    page.after.tombstone !== expected.after.tombstone
  ) {
    throw keyError('the feed page answers another bank or checkpoint than asked; the page was refused');
  }
  return page;
}

function checkpointOf(checkpoint: ExchangeCheckpoint | null): { content: number; tombstone: number } {
  const content = checkpoint?.content;
  const tombstone = checkpoint?.tombstone;
  return {
    content: nonNegativeInteger(content) ? content : 0,
    tombstone: nonNegativeInteger(tombstone) ? tombstone : 0,
  };
}

class PeerExchangeClient implements ExchangeClient {
  readonly kind = 'prevail';
  readonly #publicKey: KeyObject;

  constructor(
    private readonly config: { url: string; bank: string; pageSize: number; timeoutMs: number },
    publicKey: string,
    private readonly apiKey: string | undefined,
  ) {
    this.#publicKey = parseFeedPublicKey(publicKey);
  }

  async fetchPage(
    checkpoint: ExchangeCheckpoint | null,
    options: { signal?: AbortSignal | undefined } = {},
  ): Promise<ExchangePage> {
    const after = checkpointOf(checkpoint);
    const url = new URL(`v1/exchange-feed/${encodeURIComponent(this.config.bank)}`, withSlash(this.config.url));
    url.searchParams.set('after_content', String(after.content));
    url.searchParams.set('after_tombstone', String(after.tombstone));
    url.searchParams.set('limit', String(this.config.pageSize));
    const response = await readUpstream(url.toString(), {
      timeoutMs: this.config.timeoutMs,
      signal: options.signal,
      ...(this.apiKey === undefined ? {} : { headers: { authorization: `Bearer ${this.apiKey}` } }),
    });
    const body = await readBounded(response, url.host);
    const page = verifyFeedPage(body, response.headers.get(feedSignatureHeader), this.#publicKey, {
      bank: this.config.bank,
      after,
    });
    const deltas: ExchangeDelta[] = page.items.map((item) => ({ key: item.key, record: item.record }));
    return {
      deltas,
      checkpoint: { content: page.checkpoint.content, tombstone: page.checkpoint.tombstone },
      more: page.more,
    };
  }
}

function withSlash(url: string): string {
  return url.endsWith('/') ? url : `${url}/`;
}

async function readBounded(response: Response, host: string): Promise<Buffer> {
  const parts: Buffer[] = [];
  let size = 0;
  if (response.body === null) return Buffer.alloc(0);
  for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
    size += chunk.length;
    if (size > maxFeedPageBytes) {
      await response.body.cancel().catch(() => undefined);
      throw new EngineError(
        'EXCHANGE_PAGE_MALFORMED',
        `${host} sent a feed page larger than ${maxFeedPageBytes} bytes`,
      );
    }
    parts.push(Buffer.from(chunk));
  }
  return Buffer.concat(parts);
}

/** `prevail`: subscribe to another Prevail's published bank, checking every page's signature. */
export const peerExchangeKind: ExchangeKind = {
  kind: 'prevail',
  description:
    "Another Prevail's published bank: a signed delta feed, each page checked with the publisher's Ed25519 key",
  configFields: [
    {
      name: 'url',
      type: 'string',
      required: true,
      default: null,
      help: 'Base URL of the publishing Prevail, e.g. https://prevail.example.org',
    },
    { name: 'bank', type: 'string', required: true, default: null, help: "The publisher's bank name" },
    {
      name: 'public_key',
      type: 'string',
      required: true,
      default: null,
      help: "The publisher's feed public key (base64, from prevail exchange feed-keygen)",
    },
    { name: 'page_size', type: 'number', required: false, default: 1000, help: 'Items per page (1 to 10000)' },
    { name: 'timeout_ms', type: 'number', required: false, default: 60_000, help: 'Deadline of one request, ms' },
  ],
  credentialFields: [
    {
      name: 'api_key',
      type: 'string',
      required: false,
      default: null,
      help: 'An API key of the publisher with the read scope',
    },
  ],
  parseConfig(config) {
    const checked = checkFields('prevail exchange config', peerExchangeKind.configFields, config);
    checkListUrl(String(checked.url));
    parseFeedPublicKey(String(checked.public_key));
    if (!/^[A-Z_][A-Z0-9_]*$/.test(String(checked.bank))) {
      throw new EngineError('EXCHANGE_INVALID', 'bank must be a bank name (UPPER_WITH_UNDERSCORE)');
    }
    const pageSize = Number(checked.page_size);
    if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > 10_000) {
      throw new EngineError('EXCHANGE_INVALID', 'page_size must be an integer from 1 to 10000');
    }
    const timeout = Number(checked.timeout_ms);
    if (!Number.isInteger(timeout) || timeout < 100 || timeout > 600_000) {
      throw new EngineError('EXCHANGE_INVALID', 'timeout_ms must be an integer from 100 to 600000');
    }
    return checked;
  },
  createClient(config, credentials) {
    return new PeerExchangeClient(
      {
        url: String(config.url),
        bank: String(config.bank),
        pageSize: Number(config.page_size ?? 1000),
        timeoutMs: Number(config.timeout_ms ?? 60_000),
      },
      String(config.public_key),
      typeof credentials?.api_key === 'string' ? credentials.api_key : undefined,
    );
  },
};
