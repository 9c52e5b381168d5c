import { paymentInvalid } from './payment-invalid.js';

/** One block of a SWIFT FIN message: `{1:…}` to `{5:…}` (and the system trailer `{S:…}`). */
export interface SwiftBlock {
  /** `1`, `2`, `3`, `4`, `5` or `S`. */
  readonly id: string;
  /** What the block holds between `{N:` and its closing `}` (nested `{…}` included, for blocks 3 and 5). */
  readonly text: string;
  /** The line of the input where `text` starts. */
  readonly line: number;
}

/** One FIN message as the input cut it: its blocks in order, or one bare text block (`bare`). */
export interface SwiftMessage {
  /** 1 for the first message of the input. */
  readonly number: number;
  /** The line of the input where the message starts. */
  readonly line: number;
  readonly blocks: readonly SwiftBlock[];
  /** True for a text block given without braces (`:20:…` lines, ended by a line `-`, a `$` or the input's end). */
  readonly bare: boolean;
}

/** Block identifiers in the order a message holds them. */
const blockOrder: Readonly<Record<string, number>> = { '1': 1, '2': 2, '3': 3, '4': 4, '5': 5, S: 6 };

enum State {
  /** Between messages: whitespace and `$` separators. */
  Between,
  /** After a `{`, reading the block identifier up to `:`. */
  BlockId,
  /** Inside a header or trailer block (1, 2, 3, 5, S), counting nested braces. */
  BlockText,
  /** Inside the text block 4, which ends at the first `}`. */
  TextBlock,
  /** After a block's `}`: the message may go on with a later block. */
  AfterBlock,
  /** Inside a bare text block. */
  Bare,
}

function isSpace(code: number): boolean {
  return code === 0x20 || code === 0x0a || code === 0x0d || code === 0x09;
}

/**
 * Cuts SWIFT FIN text that arrives in pieces into messages, without reading any field: a message
 * is a run of brace blocks in increasing order (`{1:…}{2:…}{3:{108:…}}{4:\r\n…\r\n-}{5:{CHK:…}}`);
 * a block that does not come after the previous one (`{1:` again) starts the next message, and
 * so does a `$` (the RJE separator some exports put between messages). Whitespace between blocks
 * and messages is skipped. A text block may also come bare, without braces: lines starting with
 * `:20:`, ended by a line `-`, a `$`, a `{` at the start of a line, or the end of the input.
 *
 * Braces must balance: a `}` that closes nothing, a `{` inside block 4 (FIN's character sets
 * have no braces, so block 4 ends at its first `}`) and an input that ends inside a block are
 * `PAYMENT_INVALID`. A message longer than `maxLength` characters is refused as soon as it is,
 * so an unclosed brace cannot hold the whole input in memory: memory is bounded by one message
 * plus the piece being read.
 */
export class SwiftMessageScanner {
  /** Text not yet handed out: the open message (if any) and the rest of the last piece. */
  private buffer = '';
  /** The next index of `buffer` to scan. */
  private position = 0;
  private state = State.Between;
  private line = 1;
  /** Index in `buffer` where the current line starts (for columns). */
  private lineStart = 0;
  private messageStart = -1;
  private messageLine = 0;
  private messages = 0;
  private blocks: SwiftBlock[] = [];
  private blockOpen = 0;
  private blockOpenLine = 0;
  private contentStart = 0;
  private contentLine = 0;
  private blockId = '';
  private depth = 0;
  /** In a bare block: index where the current line starts. */
  private bareLineStart = 0;

  constructor(
    private readonly maxLength: number,
    private readonly onMessage: (message: SwiftMessage) => void,
  ) {}

  /** Feeds the next piece of text. */
  push(text: string): void {
    this.buffer += text;
    this.scan();
    const keep = this.messageStart >= 0 ? this.messageStart : this.position;
    if (this.messageStart >= 0 && this.buffer.length - this.messageStart > this.maxLength) this.tooLong();
    if (keep > 0) this.rebase(keep);
  }

  /** Ends the input: hands out a last message, or says where the input was cut. */
  end(): void {
    switch (this.state) {
      case State.AfterBlock:
        this.finish(this.position);
        break;
      case State.Bare:
        this.finishBare(this.position);
        break;
      case State.BlockId:
      case State.BlockText:
      case State.TextBlock: {
        const block = this.state === State.BlockId ? '' : ` inside block ${this.blockId}`;
        throw paymentInvalid(
          this.messageWhere(),
          `the input ends${block} (opened at line ${this.blockOpenLine}): a "}" is missing, or the message is cut short`,
        );
      }
      case State.Between:
        break;
    }
  }

  private scan(): void {
    const buffer = this.buffer;
    const length = buffer.length;
    for (let index = this.position; index < length; index++) {
      const code = buffer.charCodeAt(index);
      switch (this.state) {
        case State.Between:
          if (isSpace(code) || code === 0x24 /* $ */) break;
          if (code === 0x7b /* { */) {
            this.beginMessage(index);
            this.openBlock(index);
          } else if (code === 0x3a /* : */) {
            this.beginMessage(index);
            this.state = State.Bare;
            this.bareLineStart = index;
          } else if (code === 0x7d /* } */) {
            throw paymentInvalid(this.here(index), 'a "}" that closes no block');
          } else {
            throw paymentInvalid(
              this.here(index),
              `expected a SWIFT message ("{1:" blocks or a ":20:" text block), found ${JSON.stringify(buffer[index])}`,
            );
          }
          break;
        case State.BlockId:
          if (code === 0x3a /* : */) {
            this.startBlock(buffer.slice(this.blockOpen + 1, index), index);
          } else if (index - this.blockOpen > 2 || !/[0-9A-Za-z]/.test(buffer[index] ?? '')) {
            throw paymentInvalid(this.here(index), 'a "{" that opens no block ("{1:" to "{5:")');
          }
          break;
        case State.BlockText:
          if (code === 0x7b) this.depth++;
          else if (code === 0x7d && --this.depth === 0) this.closeBlock(index);
          break;
        case State.TextBlock:
          if (code === 0x7d) this.closeBlock(index);
          else if (code === 0x7b) {
            throw paymentInvalid(
              this.here(index),
              `a "{" inside block 4 of message ${this.messages} (opened at line ${this.blockOpenLine}): block 4 ends with "-}", is it cut short?`,
            );
          }
          break;
        case State.AfterBlock:
          if (isSpace(code)) break;
          if (code === 0x24) {
            this.finish(index);
          } else if (code === 0x7b) {
            this.openBlock(index);
          } else if (code === 0x3a) {
            this.finish(index);
            this.beginMessage(index);
            this.state = State.Bare;
            this.bareLineStart = index;
          } else if (code === 0x7d) {
            throw paymentInvalid(this.here(index), 'a "}" that closes no block');
          } else {
            throw paymentInvalid(
              this.here(index),
              `text after block ${this.blocks[this.blocks.length - 1]?.id} of message ${this.messages}: ${JSON.stringify(buffer[index])}`,
            );
          }
          break;
        case State.Bare:
          if (code === 0x24) {
            this.finishBare(index);
          } else if (code === 0x0a) {
            const end = index > 0 && buffer.charCodeAt(index - 1) === 0x0d ? index - 1 : index;
            if (end - this.bareLineStart === 1 && buffer.charCodeAt(this.bareLineStart) === 0x2d /* - */) {
              this.finishBare(index + 1);
            } else {
              this.bareLineStart = index + 1;
            }
          } else if (code === 0x7b && index === this.bareLineStart) {
            this.finishBare(index);
            this.beginMessage(index);
            this.openBlock(index);
          } else if (code === 0x7b || code === 0x7d) {
            throw paymentInvalid(
              this.here(index),
              `a ${JSON.stringify(buffer[index])} inside the text block of message ${this.messages}`,
            );
          }
          break;
      }
      if (code === 0x0a) {
        this.line++;
        this.lineStart = index + 1;
      }
    }
    this.position = length;
  }

  private beginMessage(index: number): void {
    this.messages++;
    this.messageStart = index;
    this.messageLine = this.line;
    this.blocks = [];
  }

  private openBlock(index: number): void {
    this.state = State.BlockId;
    this.blockOpen = index;
    this.blockOpenLine = this.line;
  }

  private startBlock(id: string, colon: number): void {
    const order = blockOrder[id];
    if (order === undefined) {
      throw paymentInvalid(this.here(this.blockOpen), `unknown block {${id}: (FIN blocks are 1 to 5 and S)`);
    }
    const last = this.blocks[this.blocks.length - 1];
    if (last !== undefined && (blockOrder[last.id] ?? 0) >= order) {
      // A block that cannot follow the previous one starts the next message.
      this.finish(this.blockOpen);
      this.beginMessage(this.blockOpen);
      this.messageLine = this.blockOpenLine;
    }
    this.blockId = id;
    this.contentStart = colon + 1;
    this.contentLine = this.line;
    this.depth = 1;
    this.state = id === '4' ? State.TextBlock : State.BlockText;
  }

  private closeBlock(index: number): void {
    this.blocks.push({ id: this.blockId, text: this.buffer.slice(this.contentStart, index), line: this.contentLine });
    this.state = State.AfterBlock;
  }

  private finish(end: number): void {
    if (end - this.messageStart > this.maxLength) this.tooLong();
    const message: SwiftMessage = { number: this.messages, line: this.messageLine, blocks: this.blocks, bare: false };
    this.messageStart = -1;
    this.blocks = [];
    this.state = State.Between;
    this.onMessage(message);
  }

  private finishBare(end: number): void {
    if (end - this.messageStart > this.maxLength) this.tooLong();
    const text = this.buffer.slice(this.messageStart, end);
    const message: SwiftMessage = {
      number: this.messages,
      line: this.messageLine,
      blocks: [{ id: '4', text, line: this.messageLine }],
      bare: true,
    };
    this.messageStart = -1;
    this.state = State.Between;
    this.onMessage(message);
  }

  private rebase(offset: number): void {
    this.buffer = this.buffer.slice(offset);
    this.position -= offset;
    this.lineStart -= offset;
    if (this.messageStart >= 0) this.messageStart -= offset;
    this.blockOpen -= offset;
    this.contentStart -= offset;
    this.bareLineStart -= offset;
  }

  private tooLong(): never {
    throw paymentInvalid(
      this.messageWhere(),
      `longer than ${this.maxLength} characters (is a "}" or the closing "-" missing?)`,
    );
  }

  private messageWhere(): string {
    return `message ${this.messages}, line ${this.messageLine}`;
  }

  private here(index: number): string {
    return `line ${this.line}, column ${index - this.lineStart + 1}`;
  }
}
