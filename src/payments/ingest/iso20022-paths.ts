/**
 * The ISO 20022 elements the payment readers use, as a tree of element local names: the XML
 * reader walks it while it streams, so an element it does not know is skipped with everything
 * inside it at the cost of one map lookup, and no document tree is ever built.
 *
 * A node may name a text slot (where the element's trimmed text goes), an attribute slot (the
 * `Ccy` of an amount), a mark (a slot set when the element opens: `PrvtId`, `OrgId`), a
 * repeated slot (`Ustrd`, `CryptoRiskTag`: every occurrence kept) or a role (message, payment
 * information block, transaction). Slots are indexes into one array of strings per reader.
 */

/** What opening a node starts: nothing, a message, a pain.001 block, a transaction. */
export const roleNone = 0;
/** `FIToFICstmrCdtTrf` / `CstmrCdtTrfInitn`: one message, with its group header. */
export const roleMessage = 1;
/** pain.001 `PmtInf`: one debtor's block of transactions. */
export const roleBlock = 2;
/** `CdtTrfTxInf`: one payment. */
export const roleTransaction = 3;

/** Repeated elements, kept in lists rather than slots. */
export const repeatNone = 0;
export const repeatRemittance = 1;
export const repeatCryptoRiskTag = 2;
export const repeatInstruction = 3;

/** Slots of the group header and the pain.001 block. */
export const groupCreated = 0;
export const groupCount = 1;
export const blockCount = 2;

/** Slots of one transaction (cleared when a transaction starts). */
export const transactionFirst = 3;
export const instructionId = 3;
export const endToEndId = 4;
export const transactionId = 5;
export const settlementAmount = 6;
export const settlementCurrency = 7;
export const instructedAmount = 8;
export const instructedCurrency = 9;
export const acceptanceTime = 10;
export const purposeCode = 11;
export const purposeProprietary = 12;
export const channelSlot = 13;
export const declaredRelationshipSlot = 14;
export const merchantCategorySlot = 15;
export const fundingInstrumentSlot = 16;
export const payeeDocumentSlot = 17;
export const categoryPurposeCode = 18;
export const categoryPurposeProprietary = 19;
export const localInstrumentCode = 20;
export const localInstrumentProprietary = 21;
export const serviceLevelCode = 22;
export const serviceLevelProprietary = 23;

/** Offsets of one party's slots from its side's first slot. */
export const partyName = 0;
export const partyCountry = 1;
export const partyResidence = 2;
export const partyIndividual = 3;
export const partyOrganisation = 4;
export const partyBirthDate = 5;
export const partyBirthCountry = 6;
export const partyIdentifier = 7;
export const partyIban = 8;
export const partyOtherAccount = 9;
export const partyAgentCountry = 10;
export const partyAgentBic = 11;
const partySlots = 12;

/** First slot of the creditor's fields, then of the debtor's (after the transaction's, so pain.001 can keep them). */
export const payeeFirst = 24;
export const payerFirst = payeeFirst + partySlots;

/**
 * pain.001's payment type of a whole block (`PmtInf/PmtTpInf`), kept for its transactions like the
 * debtor; a transaction's own `PmtTpInf` comes first.
 */
export const blockLocalInstrumentCode = payerFirst + partySlots;
export const blockLocalInstrumentProprietary = blockLocalInstrumentCode + 1;
export const blockServiceLevelCode = blockLocalInstrumentCode + 2;
export const blockServiceLevelProprietary = blockLocalInstrumentCode + 3;
export const blockCategoryPurposeCode = blockLocalInstrumentCode + 4;
export const blockCategoryPurposeProprietary = blockLocalInstrumentCode + 5;
export const slotCount = blockLocalInstrumentCode + 6;

/** One element of the tree. */
export class PathNode {
  /** Child local names, matched by a linear scan: faster than a Map for the few children a node has. */
  readonly names: string[] = [];
  readonly nodes: PathNode[] = [];
  slot = -1;
  attributeName = '';
  attributeSlot = -1;
  mark = -1;
  repeat = repeatNone;
  role = roleNone;

  /** The child named `local`, or `skipNode`. */
  child(local: string): PathNode {
    const names = this.names;
    for (let index = 0; index < names.length; index++) {
      if (names[index] === local) return this.nodes[index] ?? skipNode;
    }
    return skipNode;
  }
}

/** The node every unknown element maps to: no slot, no children, everything below skipped. */
export const skipNode = new PathNode();

function node(children: Readonly<Record<string, PathNode>> = {}, configure?: (target: PathNode) => void): PathNode {
  const result = new PathNode();
  for (const [name, child] of Object.entries(children)) {
    result.names.push(name);
    result.nodes.push(child);
  }
  configure?.(result);
  return result;
}

function text(slot: number): PathNode {
  return node({}, (target) => {
    target.slot = slot;
  });
}

function amount(slot: number, currencySlot: number): PathNode {
  return node({}, (target) => {
    target.slot = slot;
    target.attributeName = 'Ccy';
    target.attributeSlot = currencySlot;
  });
}

function repeated(kind: number): PathNode {
  return node({}, (target) => {
    target.repeat = kind;
  });
}

function otherIdentifier(side: number): PathNode {
  return node({ Id: text(side + partyIdentifier) });
}

function party(side: number): PathNode {
  return node({
    Nm: text(side + partyName),
    PstlAdr: node({ Ctry: text(side + partyCountry) }),
    CtryOfRes: text(side + partyResidence),
    Id: node({
      PrvtId: node(
        {
          DtAndPlcOfBirth: node({
            BirthDt: text(side + partyBirthDate),
            CtryOfBirth: text(side + partyBirthCountry),
          }),
          Othr: otherIdentifier(side),
        },
        (target) => {
          target.mark = side + partyIndividual;
        },
      ),
      OrgId: node({ Othr: otherIdentifier(side) }, (target) => {
        target.mark = side + partyOrganisation;
      }),
    }),
  });
}

function account(side: number): PathNode {
  return node({ Id: node({ IBAN: text(side + partyIban), Othr: node({ Id: text(side + partyOtherAccount) }) }) });
}

/** `DbtrAgt`, `CdtrAgt`: the BIC (`BICFI`, `BIC` before pacs.008.001.07) and the country of the address. */
function agent(side: number): PathNode {
  return node({
    FinInstnId: node({
      BICFI: text(side + partyAgentBic),
      BIC: text(side + partyAgentBic),
      PstlAdr: node({ Ctry: text(side + partyAgentCountry) }),
    }),
  });
}

/** `PmtTpInf`: service level, local instrument and category purpose, each a code or a proprietary text. */
function paymentType(
  serviceLevel: readonly [number, number],
  localInstrument: readonly [number, number],
  categoryPurpose: readonly [number, number],
): PathNode {
  const choice = ([code, proprietary]: readonly [number, number]) => node({ Cd: text(code), Prtry: text(proprietary) });
  return node({
    SvcLvl: choice(serviceLevel),
    LclInstrm: choice(localInstrument),
    CtgyPurp: choice(categoryPurpose),
  });
}

/** The children every transaction has, pacs.008 or pain.001: creditor, payment type, purpose, remittance, extension. */
function transactionCommon(): Record<string, PathNode> {
  return {
    Cdtr: party(payeeFirst),
    CdtrAcct: account(payeeFirst),
    CdtrAgt: agent(payeeFirst),
    Purp: node({ Cd: text(purposeCode), Prtry: text(purposeProprietary) }),
    PmtTpInf: paymentType(
      [serviceLevelCode, serviceLevelProprietary],
      [localInstrumentCode, localInstrumentProprietary],
      [categoryPurposeCode, categoryPurposeProprietary],
    ),
    InstrForCdtrAgt: node({ Cd: repeated(repeatInstruction) }),
    RmtInf: node({ Ustrd: repeated(repeatRemittance) }),
    SplmtryData: node({
      Envlp: node({
        Prevail: node({
          Channel: text(channelSlot),
          DeclaredRelationship: text(declaredRelationshipSlot),
          MerchantCategory: text(merchantCategorySlot),
          FundingInstrument: text(fundingInstrumentSlot),
          PayeeDocument: text(payeeDocumentSlot),
          CryptoRiskTag: repeated(repeatCryptoRiskTag),
        }),
      }),
    }),
  };
}

function groupHeader(): PathNode {
  return node({ CreDtTm: text(groupCreated), NbOfTxs: text(groupCount) });
}

function asRole(role: number): (target: PathNode) => void {
  return (target) => {
    target.role = role;
  };
}

/** The message element of a pacs.008 (`FIToFICstmrCdtTrf`) and everything read below it. */
export const pacs008Message = node(
  {
    GrpHdr: groupHeader(),
    CdtTrfTxInf: node(
      {
        PmtId: node({ InstrId: text(instructionId), EndToEndId: text(endToEndId), TxId: text(transactionId) }),
        IntrBkSttlmAmt: amount(settlementAmount, settlementCurrency),
        AccptncDtTm: text(acceptanceTime),
        InstdAmt: amount(instructedAmount, instructedCurrency),
        Dbtr: party(payerFirst),
        DbtrAcct: account(payerFirst),
        DbtrAgt: agent(payerFirst),
        ...transactionCommon(),
      },
      asRole(roleTransaction),
    ),
  },
  asRole(roleMessage),
);

/** The message element of a pain.001 (`CstmrCdtTrfInitn`): blocks with a debtor each. */
export const pain001Message = node(
  {
    GrpHdr: groupHeader(),
    PmtInf: node(
      {
        NbOfTxs: text(blockCount),
        PmtTpInf: paymentType(
          [blockServiceLevelCode, blockServiceLevelProprietary],
          [blockLocalInstrumentCode, blockLocalInstrumentProprietary],
          [blockCategoryPurposeCode, blockCategoryPurposeProprietary],
        ),
        Dbtr: party(payerFirst),
        DbtrAcct: account(payerFirst),
        DbtrAgt: agent(payerFirst),
        CdtTrfTxInf: node(
          {
            PmtId: node({ InstrId: text(instructionId), EndToEndId: text(endToEndId) }),
            Amt: node({ InstdAmt: amount(instructedAmount, instructedCurrency) }),
            ...transactionCommon(),
          },
          asRole(roleTransaction),
        ),
      },
      asRole(roleBlock),
    ),
  },
  asRole(roleMessage),
);
