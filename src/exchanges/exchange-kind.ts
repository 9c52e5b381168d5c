import { EngineError } from '../core/index.js';
import type { ExchangeClient } from './exchange-client.js';

/** One configuration or credential field of an exchange kind, as HMA's schema route lists them. */
export interface ExchangeField {
  readonly name: string;
  /** HMA's type names: `string`, `number`, `boolean`, `enum`, `list_of_string`… */
  readonly type: string;
  readonly required: boolean;
  readonly default: unknown;
  readonly help: string;
  readonly choices?: readonly string[] | undefined;
}

/**
 * One kind of exchange (an API): how its configuration is checked and how a client is made from
 * a checked configuration and its credentials. Each client module exports its kind; the
 * composition root puts the kinds it installs in an {@link ExchangeKindRegistry}, and the fetch
 * runner, the CLI and the HMA routes find them there by name. Kinds know no storage and no
 * schedule.
 */
export interface ExchangeKind {
  /** Prevail's name (`file`, `url`, `prevail`, `ncmec`, `stopncii`, `threatexchange`). */
  readonly kind: string;
  /** HMA's API name where it differs (`stop_ncii`, `fb_threatexchange`); default `kind`. */
  readonly hmaName?: string | undefined;
  /** Whether its clients send feedback (decisions on its items are then queued for it). */
  readonly takesFeedback?: boolean | undefined;
  /** One line for `prevail exchange kinds` and `--help`. */
  readonly description: string;
  readonly configFields: readonly ExchangeField[];
  /** The credential fields, or `null` when the API takes none. */
  readonly credentialFields: readonly ExchangeField[] | null;
  /**
   * Checks and normalises a configuration (the `api_json` of HMA's create route).
   * @throws EngineError `EXCHANGE_INVALID` naming the field.
   */
  parseConfig(config: unknown): Readonly<Record<string, unknown>>;
  /**
   * Checks credentials beyond their fields' types (a token's shape), before they are sealed.
   * @throws EngineError `EXCHANGE_INVALID` naming the fields at fault, never their values.
   */
  checkCredentials?(credentials: Readonly<Record<string, unknown>>): void;
  /**
   * A client for one exchange. `credentials` are the decrypted credentials (absent when none are
   * stored); a kind that needs them throws `EXCHANGE_AUTH_FAILED` when they are missing.
   */
  createClient(
    config: Readonly<Record<string, unknown>>,
    credentials: Readonly<Record<string, unknown>> | undefined,
  ): ExchangeClient;
}

/** The installed exchange kinds by name (and by HMA name), filled by the composition root. */
export class ExchangeKindRegistry {
  readonly #kinds = new Map<string, ExchangeKind>();

  constructor(kinds: readonly ExchangeKind[] = []) {
    for (const kind of kinds) this.register(kind);
  }

  /** Adds a kind; a name given twice is a programming error. */
  register(kind: ExchangeKind): this {
    if (this.#kinds.has(kind.kind)) throw new Error(`exchange kind ${kind.kind} is registered twice`);
    this.#kinds.set(kind.kind, kind);
    return this;
  }

  /** Every kind, in registration order. */
  list(): ExchangeKind[] {
    return [...this.#kinds.values()];
  }

  /** The kind by Prevail's or HMA's name, or undefined. */
  find(name: string): ExchangeKind | undefined {
    return this.#kinds.get(name) ?? this.list().find((kind) => kind.hmaName === name);
  }

  /** @throws EngineError `EXCHANGE_INVALID` naming the installed kinds. */
  get(name: string): ExchangeKind {
    const kind = this.find(name);
    if (kind === undefined) {
      throw new EngineError(
        'EXCHANGE_INVALID',
        `no exchange kind '${printable(name)}'; installed: ${this.list()
          .map((known) => known.kind)
          .join(', ')}`,
      );
    }
    return kind;
  }
}

/** A name as it may be shown in a message: control characters escaped, cut to 64 characters. */
export function printable(text: string): string {
  const cut = text.length > 64 ? `${text.slice(0, 64)}…` : text;
  return cut.replace(/[\p{Cc}\u2028\u2029]/gu, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
