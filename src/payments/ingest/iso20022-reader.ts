import { SaxesParser, type SaxesTagPlain } from 'saxes';
import { EngineError } from '../../core/index.js';
import type { PaymentRecord } from '../payment-record.js';
import type { PaymentEventCheck } from './event-check.js';
import * as paths from './iso20022-paths.js';
import { PathNode } from './iso20022-paths.js';
import { completePayment, type PaymentDraft, type PaymentDraftField, problemText, SeenIds } from './payment-fields.js';
import { paymentInvalid, quoted } from './payment-invalid.js';
import type { PaymentReader } from './payment-reader.js';

// Local copies: module bindings can compile to getters (esbuild's CommonJS interop), too slow per element.
const {
  acceptanceTime,
  blockCategoryPurposeCode,
  blockCategoryPurposeProprietary,
  blockCount,
  blockLocalInstrumentCode,
  blockLocalInstrumentProprietary,
  blockServiceLevelCode,
  blockServiceLevelProprietary,
  categoryPurposeCode,
  categoryPurposeProprietary,
  channelSlot,
  declaredRelationshipSlot,
  endToEndId,
  fundingInstrumentSlot,
  groupCount,
  groupCreated,
  instructedAmount,
  instructedCurrency,
  instructionId,
  localInstrumentCode,
  localInstrumentProprietary,
  merchantCategorySlot,
  pacs008Message,
  pain001Message,
  partyAgentBic,
  partyAgentCountry,
  partyBirthCountry,
  partyBirthDate,
  partyCountry,
  partyIban,
  partyIdentifier,
  partyIndividual,
  partyName,
  partyOrganisation,
  partyOtherAccount,
  partyResidence,
  payeeDocumentSlot,
  payeeFirst,
  payerFirst,
  purposeCode,
  purposeProprietary,
  repeatCryptoRiskTag,
  repeatInstruction,
  repeatNone,
  repeatRemittance,
  roleBlock,
  roleMessage,
  roleTransaction,
  serviceLevelCode,
  serviceLevelProprietary,
  settlementAmount,
  settlementCurrency,
  skipNode,
  slotCount,
  transactionFirst,
  transactionId,
} = paths;

/** The two ISO 20022 credit-transfer messages the reader knows. */
export type Iso20022Kind = 'pacs008' | 'pain001';

const messageElement: Readonly<Record<Iso20022Kind, string>> = {
  pacs008: 'FIToFICstmrCdtTrf',
  pain001: 'CstmrCdtTrfInitn',
};
const messageName: Readonly<Record<Iso20022Kind, string>> = { pacs008: 'pacs.008', pain001: 'pain.001' };

/** Elements outside any `Document` (a business-message envelope, an `AppHdr`): searched, never read. */
const outsideNode = new PathNode();
/** The `Document` element: its one child must be the expected message. */
const documentNode = new PathNode();

/** For each field, the slots it is read from in order of preference, with the element path to cite. */
type Candidates = readonly (readonly [slot: number, path: string])[];

function partyCandidates(side: number, party: string, account: string, agent: string) {
  return {
    account: [
      [side + partyIban, `${account}/Id/IBAN`],
      [side + partyOtherAccount, `${account}/Id/Othr/Id`],
      [side + partyIdentifier, `${party}/Id/*/Othr/Id`],
    ],
    name: [[side + partyName, `${party}/Nm`]],
    country: [
      [side + partyCountry, `${party}/PstlAdr/Ctry`],
      [side + partyResidence, `${party}/CtryOfRes`],
      [side + partyAgentCountry, `${agent}/FinInstnId/PstlAdr/Ctry`],
    ],
    birthDate: [[side + partyBirthDate, `${party}/Id/PrvtId/DtAndPlcOfBirth/BirthDt`]],
    birthCountry: [[side + partyBirthCountry, `${party}/Id/PrvtId/DtAndPlcOfBirth/CtryOfBirth`]],
    agentBic: [[side + partyAgentBic, `${agent}/FinInstnId/BICFI`]],
  } satisfies Record<string, Candidates>;
}

function candidatesFor(kind: Iso20022Kind): Readonly<Partial<Record<PaymentDraftField, Candidates>>> {
  const block = kind === 'pain001' ? 'PmtInf/' : '';
  const payer = partyCandidates(payerFirst, `${block}Dbtr`, `${block}DbtrAcct`, `${block}DbtrAgt`);
  const payee = partyCandidates(payeeFirst, 'Cdtr', 'CdtrAcct', 'CdtrAgt');
  return {
    time:
      kind === 'pacs008'
        ? [
            [acceptanceTime, 'AccptncDtTm'],
            [groupCreated, 'GrpHdr/CreDtTm'],
          ]
        : [[groupCreated, 'GrpHdr/CreDtTm']],
    payerAccount: payer.account,
    payerName: payer.name,
    payerCountry: payer.country,
    payerBirthDate: payer.birthDate,
    payerBirthCountry: payer.birthCountry,
    payeeAccount: payee.account,
    payeeName: payee.name,
    payeeCountry: payee.country,
    payeeBirthDate: payee.birthDate,
    payeeBirthCountry: payee.birthCountry,
    payerAgentBic: payer.agentBic,
    payeeAgentBic: payee.agentBic,
    purpose: [
      [purposeCode, 'Purp/Cd'],
      [purposeProprietary, 'Purp/Prtry'],
    ],
    categoryPurpose: [
      [categoryPurposeCode, 'PmtTpInf/CtgyPurp/Cd'],
      [categoryPurposeProprietary, 'PmtTpInf/CtgyPurp/Prtry'],
      [blockCategoryPurposeCode, 'PmtInf/PmtTpInf/CtgyPurp/Cd'],
      [blockCategoryPurposeProprietary, 'PmtInf/PmtTpInf/CtgyPurp/Prtry'],
    ],
    localInstrument: [
      [localInstrumentCode, 'PmtTpInf/LclInstrm/Cd'],
      [localInstrumentProprietary, 'PmtTpInf/LclInstrm/Prtry'],
      [blockLocalInstrumentCode, 'PmtInf/PmtTpInf/LclInstrm/Cd'],
      [blockLocalInstrumentProprietary, 'PmtInf/PmtTpInf/LclInstrm/Prtry'],
    ],
    serviceLevel: [
      [serviceLevelCode, 'PmtTpInf/SvcLvl/Cd'],
      [serviceLevelProprietary, 'PmtTpInf/SvcLvl/Prtry'],
      [blockServiceLevelCode, 'PmtInf/PmtTpInf/SvcLvl/Cd'],
      [blockServiceLevelProprietary, 'PmtInf/PmtTpInf/SvcLvl/Prtry'],
    ],
    channel: [[channelSlot, 'SplmtryData/Envlp/Prevail/Channel']],
    declaredRelationship: [[declaredRelationshipSlot, 'SplmtryData/Envlp/Prevail/DeclaredRelationship']],
    merchantCategory: [[merchantCategorySlot, 'SplmtryData/Envlp/Prevail/MerchantCategory']],
    fundingInstrument: [[fundingInstrumentSlot, 'SplmtryData/Envlp/Prevail/FundingInstrument']],
    payeeDocument: [[payeeDocumentSlot, 'SplmtryData/Envlp/Prevail/PayeeDocument']],
  };
}

const candidatesOfKind: Readonly<Record<Iso20022Kind, ReturnType<typeof candidatesFor>>> = {
  pacs008: candidatesFor('pacs008'),
  pain001: candidatesFor('pain001'),
};

/** `ns:Name` → `Name`: namespaces (and so message versions) are ignored, local names matched. */
function localName(name: string): string {
  const colon = name.indexOf(':');
  return colon === -1 ? name : name.slice(colon + 1);
}

/**
 * Streams an ISO 20022 pacs.008 (`FIToFICstmrCdtTrf`) or pain.001 (`CstmrCdtTrfInitn`) document
 * through saxes and emits one `PaymentRecord` per `CdtTrfTxInf` as soon as it closes: memory
 * stays bounded whatever the number of transactions. Elements are matched by local name, so
 * every message version (`pacs.008.001.02` to `.13`) and any namespace prefix reads alike.
 *
 * Safety: a DOCTYPE is refused as soon as it is read (no DTD, so no entity expansion and no
 * external entity is ever fetched), an undefined entity or a processing instruction other than
 * the XML declaration is an error, the declared encoding must be UTF-8, nesting is limited to
 * `maxDepth`, and a text node, or any token (tag, comment) still open at the end of a written
 * piece, to `maxTokenLength` characters: memory stays bounded by the piece size plus that.
 *
 * Errors throw `PAYMENT_INVALID`: well-formedness errors at the parser's line and column, field
 * errors at the line and column where their `CdtTrfTxInf` starts.
 */
export class Iso20022Reader implements PaymentReader {
  private readonly parser = new SaxesParser<{ xmlns: false; position: true }>({ xmlns: false, position: true });
  private readonly stack: PathNode[] = [];
  private readonly values: (string | undefined)[] = new Array<string | undefined>(slotCount).fill(undefined);
  private readonly remittance: string[] = [];
  private readonly tags: string[] = [];
  private readonly instructions: string[] = [];
  private readonly seen = new SeenIds();
  private readonly candidates: Readonly<Partial<Record<PaymentDraftField, Candidates>>>;
  private readonly message: PathNode;
  private readonly expected: string;
  private capture = '';
  private captureDepth = -1;
  private tagLine = 1;
  private tagColumn = 1;
  private messageAt = '';
  private blockAt = '';
  private transactionAt = '';
  private messages = 0;
  private messageTransactions = 0;
  private blockTransactions = 0;
  /** Characters written so far, and `parser.position` at the last event: their distance bounds a token. */
  private written = 0;
  private lastEventAt = 0;

  constructor(
    private readonly kind: Iso20022Kind,
    private readonly output: PaymentRecord[],
    private readonly maxDepth: number,
    private readonly maxTokenLength: number,
    private readonly checkEvent?: PaymentEventCheck,
  ) {
    this.candidates = candidatesOfKind[kind];
    this.message = kind === 'pacs008' ? pacs008Message : pain001Message;
    this.expected = messageElement[kind];
    const parser = this.parser;
    parser.on('doctype', () => {
      throw paymentInvalid(this.here(), 'a DOCTYPE is not allowed (DTDs are disabled: no entity is ever expanded)');
    });
    parser.on('processinginstruction', (instruction) => {
      throw paymentInvalid(this.here(), `processing instructions are not allowed (found <?${instruction.target}?>)`);
    });
    parser.on('opentagstart', (tag) => {
      this.tagLine = parser.line;
      this.tagColumn = parser.column - tag.name.length - 1; // saxes has read the `<`, the name and one more
    });
    parser.on('opentag', (tag) => this.open(tag));
    parser.on('closetag', () => this.close());
    parser.on('text', (text) => {
      if (text.length > this.maxTokenLength) this.tokenTooLong();
      if (this.captureDepth === this.stack.length) this.capture += text;
    });
    parser.on('cdata', (text) => {
      if (this.captureDepth === this.stack.length) this.capture += text;
    });
  }

  write(text: string): void {
    this.guard(() => this.parser.write(text));
    // Not `parser.position`: between writes it counts the last chunk twice.
    this.written += text.length;
    if (this.written - this.lastEventAt > this.maxTokenLength) this.tokenTooLong();
  }

  private tokenTooLong(): never {
    throw paymentInvalid(this.here(), `a token (text, tag or comment) longer than ${this.maxTokenLength} characters`);
  }

  end(): void {
    this.guard(() => this.parser.close());
    if (this.messages === 0) {
      throw paymentInvalid('', `no ${this.expected} element: the input is not a ${messageName[this.kind]} message`);
    }
  }

  /**
   * Runs the parser, turning its well-formedness errors into `PAYMENT_INVALID` at its position.
   * (saxes throws them when no `error` handler is set; setting one, or an `xmldecl` handler,
   * makes saxes several times slower on V8, so the declaration is checked at the root instead.)
   */
  private guard(step: () => void): void {
    try {
      step();
    } catch (error) {
      if (error instanceof EngineError) throw error;
      const message = error instanceof Error ? error.message.replace(/^\d+:\d+: /, '') : String(error);
      throw paymentInvalid(this.here(), message);
    }
  }

  /** The XML declaration, read once the root opens: only UTF-8 (or its subset US-ASCII) is read. */
  private checkDeclaration(): void {
    const declared = this.parser.xmlDecl.encoding;
    const encoding = declared?.toLowerCase();
    if (encoding !== undefined && encoding !== 'utf-8' && encoding !== 'utf8' && encoding !== 'us-ascii') {
      throw paymentInvalid(this.here(), `only UTF-8 is read, the XML declaration says ${quoted(declared ?? '')}`);
    }
  }

  private here(): string {
    return `line ${this.parser.line}, column ${this.parser.column + 1}`;
  }

  private open(tag: SaxesTagPlain): void {
    const stack = this.stack;
    if (stack.length >= this.maxDepth) {
      throw paymentInvalid(this.here(), `elements nest deeper than ${this.maxDepth} levels`);
    }
    const parent = stack[stack.length - 1];
    if (parent === skipNode) {
      stack.push(skipNode); // inside an element the reader does not use: nothing to look up
      return;
    }
    const local = localName(tag.name);
    let node: PathNode;
    if (parent === undefined || parent === outsideNode) {
      if (parent === undefined) this.checkDeclaration();
      if (local === 'Document') node = documentNode;
      else if (local === this.expected) node = this.message;
      else node = outsideNode;
    } else if (parent === documentNode) {
      if (local !== this.expected) {
        const other = this.kind === 'pacs008' ? 'pain001' : 'pacs008';
        const hint = local === messageElement[other] ? ` (this is a ${messageName[other]} message)` : '';
        throw paymentInvalid(this.here(), `expected ${this.expected} inside Document, found ${local}${hint}`);
      }
      node = this.message;
    } else {
      node = parent.child(local);
    }
    stack.push(node);
    if (node === skipNode) return;
    if (node.role !== 0) this.begin(node.role);
    if (node.mark >= 0) this.values[node.mark] = '1';
    if (node.slot >= 0 || node.repeat !== repeatNone) {
      this.capture = '';
      this.captureDepth = stack.length;
    }
    if (node.attributeSlot >= 0 && this.values[node.attributeSlot] === undefined) {
      const attribute = tag.attributes[node.attributeName]?.trim();
      if (attribute !== undefined && attribute !== '') this.values[node.attributeSlot] = attribute;
    }
  }

  private close(): void {
    this.lastEventAt = this.parser.position;
    const node = this.stack.pop();
    if (node === undefined || node === skipNode) return;
    if (this.captureDepth === this.stack.length + 1) {
      const value = this.capture.trim();
      this.capture = '';
      this.captureDepth = -1;
      if (value !== '') {
        if (node.repeat === repeatRemittance) this.remittance.push(value);
        else if (node.repeat === repeatCryptoRiskTag) this.tags.push(value);
        else if (node.repeat === repeatInstruction) this.instructions.push(value);
        else if (this.values[node.slot] === undefined) this.values[node.slot] = value;
      }
    }
    if (node.role === roleTransaction) {
      this.finishTransaction();
      this.messageTransactions++;
      this.blockTransactions++;
    } else if (node.role === roleBlock) {
      this.checkCount(this.values[blockCount], this.blockTransactions, 'PmtInf/NbOfTxs', this.blockAt, 'block');
    } else if (node.role === roleMessage) {
      this.checkCount(this.values[groupCount], this.messageTransactions, 'GrpHdr/NbOfTxs', this.messageAt, 'message');
    }
  }

  private begin(role: number): void {
    const at = `line ${this.tagLine}, column ${this.tagColumn}`;
    if (role === roleMessage) {
      this.messages++;
      this.messageTransactions = 0;
      this.messageAt = at;
      this.values.fill(undefined);
    } else if (role === roleBlock) {
      this.blockTransactions = 0;
      this.blockAt = at;
      this.values.fill(undefined, blockCount);
    } else if (role === roleTransaction) {
      this.transactionAt = at;
      this.values.fill(undefined, transactionFirst, this.kind === 'pain001' ? payerFirst : slotCount);
      this.remittance.length = 0;
      this.tags.length = 0;
      this.instructions.length = 0;
    }
  }

  private checkCount(declared: string | undefined, actual: number, element: string, at: string, scope: string): void {
    if (declared === undefined) return;
    if (!/^\d{1,15}$/.test(declared) || Number(declared) !== actual) {
      throw paymentInvalid(at, `${element} is ${quoted(declared)} but the ${scope} has ${actual} CdtTrfTxInf`);
    }
  }

  private pick(field: PaymentDraftField): string | undefined {
    for (const [slot] of this.candidates[field] ?? []) {
      const value = this.values[slot];
      if (value !== undefined) return value;
    }
    return undefined;
  }

  /** The element a field was read from, or every element it may come from when it is missing. */
  private label(field: PaymentDraftField): string {
    const values = this.values;
    const kind = this.kind;
    if (field === 'id')
      return kind === 'pacs008' ? 'PmtId/TxId, PmtId/EndToEndId or PmtId/InstrId' : 'PmtId/EndToEndId or PmtId/InstrId';
    if (field === 'amount' || field === 'currency') {
      const suffix = field === 'currency' ? '/@Ccy' : '';
      if (kind === 'pain001') return `Amt/InstdAmt${suffix}`;
      if (values[instructedAmount] !== undefined) return `InstdAmt${suffix}`;
      return values[settlementAmount] !== undefined
        ? `IntrBkSttlmAmt${suffix}`
        : `InstdAmt${suffix} or IntrBkSttlmAmt${suffix}`;
    }
    if (field === 'remittanceInfo') return 'RmtInf/Ustrd';
    if (field === 'cryptoRiskTags') return 'SplmtryData/Envlp/Prevail/CryptoRiskTag';
    if (field === 'instructionCodes') return 'InstrForCdtrAgt/Cd';
    const candidates = this.candidates[field] ?? [];
    const used = candidates.find(([slot]) => values[slot] !== undefined);
    if (used !== undefined) return used[1];
    const paths = candidates.map(([, path]) => path);
    return paths.length < 2 ? (paths[0] ?? field) : `${paths.slice(0, -1).join(', ')} or ${paths.at(-1)}`;
  }

  private finishTransaction(): void {
    const values = this.values;
    const endToEnd = values[endToEndId];
    const instructed = values[instructedAmount] !== undefined;
    const payerType =
      values[payerFirst + partyIndividual] !== undefined
        ? 'individual'
        : values[payerFirst + partyOrganisation] !== undefined
          ? 'organisation'
          : undefined;
    const payeeType =
      values[payeeFirst + partyIndividual] !== undefined
        ? 'individual'
        : values[payeeFirst + partyOrganisation] !== undefined
          ? 'organisation'
          : undefined;
    const draft: PaymentDraft = {
      id: values[transactionId] ?? (endToEnd !== 'NOTPROVIDED' ? endToEnd : undefined) ?? values[instructionId],
      time: this.pick('time'),
      amount: instructed ? values[instructedAmount] : values[settlementAmount],
      currency: instructed ? values[instructedCurrency] : values[settlementCurrency],
      payerAccount: this.pick('payerAccount'),
      payerName: this.pick('payerName'),
      payerCountry: this.pick('payerCountry'),
      payerType,
      payerBirthDate: this.pick('payerBirthDate'),
      payerBirthCountry: this.pick('payerBirthCountry'),
      payerAgentBic: this.pick('payerAgentBic'),
      payeeAccount: this.pick('payeeAccount'),
      payeeName: this.pick('payeeName'),
      payeeCountry: this.pick('payeeCountry'),
      payeeType,
      payeeBirthDate: this.pick('payeeBirthDate'),
      payeeBirthCountry: this.pick('payeeBirthCountry'),
      payeeAgentBic: this.pick('payeeAgentBic'),
      remittanceInfo: this.remittance.length === 0 ? undefined : this.remittance.join(' '),
      purpose: this.pick('purpose'),
      categoryPurpose: this.pick('categoryPurpose'),
      localInstrument: this.pick('localInstrument'),
      serviceLevel: this.pick('serviceLevel'),
      instructionCodes: this.instructions.length === 0 ? undefined : this.instructions,
      channel: values[channelSlot],
      declaredRelationship: values[declaredRelationshipSlot],
      merchantCategory: values[merchantCategorySlot],
      fundingInstrument: values[fundingInstrumentSlot],
      payeeDocument: values[payeeDocumentSlot],
      cryptoRiskTags: this.tags.length === 0 ? undefined : this.tags,
    };
    const record = completePayment(
      draft,
      (field, reason) => {
        throw paymentInvalid(this.transactionAt, problemText(this.label(field), reason));
      },
      { zoneRequired: true, checkEvent: this.checkEvent },
    );
    if (!this.seen.claim(record.id)) {
      throw paymentInvalid(this.transactionAt, `transaction id ${quoted(record.id)} repeats an earlier CdtTrfTxInf`);
    }
    this.output.push(record);
  }
}
