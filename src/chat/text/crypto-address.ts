import { createHash } from 'node:crypto';

/**
 * Wallet address checks by checksum, so a random look-alike string is not taken for a wallet:
 * Base58Check (Bitcoin P2PKH/P2SH, Litecoin, Tron, Dogecoin version bytes) and Bech32/Bech32m
 * (BIP-173/BIP-350 segwit addresses `bc1…`, `ltc1…`). Written here (about 80 lines) rather than
 * taking `multicoin-address-validator` and its dependency tree; Ethereum's EIP-55 mixed-case
 * checksum needs Keccak-256, which Node's crypto does not offer, so only single-case Ethereum
 * addresses (which carry no checksum) are accepted, and mixed-case ones are left out.
 */
const base58Alphabet = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';
const base58Index = new Map([...base58Alphabet].map((char, index) => [char, index]));

/** Version bytes accepted: BTC 0x00/0x05, LTC 0x30/0x32, DOGE 0x1e/0x16, TRX 0x41. */
const base58Versions = new Set([0x00, 0x05, 0x30, 0x32, 0x1e, 0x16, 0x41]);

function base58Decode(text: string): Uint8Array | undefined {
  let value = 0n;
  for (const char of text) {
    const digit = base58Index.get(char);
    if (digit === undefined) return undefined;
    value = value * 58n + BigInt(digit);
  }
  const bytes: number[] = [];
  while (value > 0n) {
    bytes.push(Number(value & 0xffn));
    value >>= 8n;
  }
  for (const char of text) {
    if (char !== '1') break;
    bytes.push(0);
  }
  return Uint8Array.from(bytes.reverse());
}

function sha256(data: Uint8Array): Buffer {
  return createHash('sha256').update(data).digest();
}

/** True for a Base58Check address of 25 bytes with a known version byte and a good checksum. */
export function isBase58CheckAddress(text: string): boolean {
  if (text.length < 26 || text.length > 35) return false;
  const bytes = base58Decode(text);
  if (bytes === undefined || bytes.length !== 25 || !base58Versions.has(bytes[0] as number)) return false;
  const check = sha256(sha256(bytes.subarray(0, 21)));
  for (let i = 0; i < 4; i += 1) if (check[i] !== bytes[21 + i]) return false;
  return true;
}

const bech32Charset = 'qpzry9x8gf2tvdw0s3jn54khce6mua7l';
const generator = [0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd, 0x2a1462b3];

function polymod(values: readonly number[]): number {
  let checksum = 1;
  for (const value of values) {
    const top = checksum >>> 25;
    checksum = ((checksum & 0x1ffffff) << 5) ^ value;
    for (let i = 0; i < 5; i += 1) if ((top >>> i) & 1) checksum ^= generator[i] as number;
  }
  return checksum >>> 0;
}

/** True for a Bech32 or Bech32m segwit address with a `bc`, `tb` or `ltc` prefix and a good checksum. */
export function isBech32Address(text: string): boolean {
  if (text.length < 14 || text.length > 90) return false;
  if (text !== text.toLowerCase() && text !== text.toUpperCase()) return false;
  const lower = text.toLowerCase();
  const separator = lower.lastIndexOf('1');
  const prefix = lower.slice(0, separator);
  if (prefix !== 'bc' && prefix !== 'tb' && prefix !== 'ltc') return false;
  const data: number[] = [];
  for (const char of lower.slice(separator + 1)) {
    const value = bech32Charset.indexOf(char);
    if (value === -1) return false;
    data.push(value);
  }
  if (data.length < 7) return false;
  const expanded = [...prefix].map((c) => c.charCodeAt(0) >> 5);
  expanded.push(0);
  for (const c of prefix) expanded.push(c.charCodeAt(0) & 31);
  const result = polymod([...expanded, ...data]);
  return result === 1 || result === 0x2bc830a3;
}

/** True for a single-case `0x` + 40 hex Ethereum-style address (no checksum to verify). */
export function isPlainEthereumAddress(text: string): boolean {
  if (!/^0x[0-9a-fA-F]{40}$/.test(text)) return false;
  const body = text.slice(2);
  return body === body.toLowerCase() || body === body.toUpperCase();
}
