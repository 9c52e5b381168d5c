import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import { isBase58CheckAddress, isBech32Address, isPlainEthereumAddress } from './crypto-address.js';
import { extractHandles, isIban } from './handles.js';

const base58 = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';

/** A plainly fake Base58Check address: version byte + 20 bytes of a test label's hash + checksum. */
function fakeBase58Address(version: number, label: string): string {
  const payload = Buffer.concat([Buffer.from([version]), createHash('sha256').update(label).digest().subarray(0, 20)]);
  const check = createHash('sha256').update(createHash('sha256').update(payload).digest()).digest().subarray(0, 4);
  const bytes = Buffer.concat([payload, check]);
  let value = BigInt(`0x${bytes.toString('hex')}`);
  let text = '';
  while (value > 0n) {
    text = base58[Number(value % 58n)] + text;
    value /= 58n;
  }
  for (const byte of bytes) {
    if (byte !== 0) break;
    text = `1${text}`;
  }
  return text;
}

const bech32Charset = 'qpzry9x8gf2tvdw0s3jn54khce6mua7l';

/** A plainly fake segwit v0 address (BIP-173 encoding written out here): 20 bytes of a label's hash. */
function fakeBech32Address(label: string): string {
  const program = createHash('sha256').update(label).digest().subarray(0, 20);
  const data = [0];
  let accumulator = 0;
  let bits = 0;
  for (const byte of program) {
    accumulator = (accumulator << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      data.push((accumulator >> bits) & 31);
    }
  }
  if (bits > 0) data.push((accumulator << (5 - bits)) & 31);
  const generator = [0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd, 0x2a1462b3];
  const polymod = (values: number[]) => {
    let chk = 1;
    for (const v of values) {
      const top = chk >>> 25;
      chk = ((chk & 0x1ffffff) << 5) ^ v;
      for (let i = 0; i < 5; i += 1) if ((top >>> i) & 1) chk ^= generator[i] as number;
    }
    return chk >>> 0;
  };
  const hrp = [3, 3, 0, 2, 3];
  const mod = polymod([...hrp, ...data, 0, 0, 0, 0, 0, 0]) ^ 1;
  const checksum = [0, 1, 2, 3, 4, 5].map((i) => (mod >>> (5 * (5 - i))) & 31);
  return `bc1${[...data, ...checksum].map((v) => bech32Charset[v]).join('')}`;
}

test('wallets: Base58Check and Bech32 checksums decide; a one-character change is refused', () => {
  const p2pkh = fakeBase58Address(0x00, 'prevail test wallet one');
  const p2sh = fakeBase58Address(0x05, 'prevail test wallet two');
  assert.ok(isBase58CheckAddress(p2pkh) && p2pkh.startsWith('1'));
  assert.ok(isBase58CheckAddress(p2sh) && p2sh.startsWith('3'));
  const broken = p2pkh.slice(0, -1) + (p2pkh.endsWith('2') ? '3' : '2');
  assert.equal(isBase58CheckAddress(broken), false);
  const segwit = fakeBech32Address('prevail test wallet three');
  assert.ok(isBech32Address(segwit), segwit);
  assert.ok(isBech32Address(segwit.toUpperCase()), 'upper case (QR codes) is valid too');
  assert.equal(isBech32Address(segwit.slice(0, -1) + (segwit.endsWith('q') ? 'p' : 'q')), false);
  assert.ok(isPlainEthereumAddress(`0x${'ab'.repeat(20)}`));
  assert.equal(isPlainEthereumAddress(`0x${'aB'.repeat(20)}`), false, 'mixed case needs EIP-55, not checked here');
  const handles = extractHandles(`send to ${p2pkh} or ${segwit.toUpperCase()}, not ${broken}`);
  assert.deepEqual(
    handles.map((h) => h.entityId),
    [`crypto_wallet:${segwit}`, `crypto_wallet:${p2pkh}`],
  );
});

test('gift-card codes, cashtags, P2P links, emails, phones and IBANs, normalised, with raw offsets', () => {
  const text =
    'code AB12-CD34-EF56-GH78 and XQ7RT2ZP9KLM4NWB8 card, pay $Fake_Name or paypal.me/FakeName, mail Fake.Person@Example.com, ' +
    'call (201) 555-0123, iban GB82 WEST 1234 5698 7654 32';
  const handles = extractHandles(text, { defaultPhoneRegion: 'US' });
  const ids = handles.map((h) => h.entityId).sort();
  assert.deepEqual(ids, [
    'email:fake.person@example.com',
    'gift_card_code:AB12CD34EF56GH78',
    'gift_card_code:XQ7RT2ZP9KLM4NWB8',
    'iban:GB82WEST12345698765432',
    'p2p_handle:$fake_name',
    'p2p_handle:paypal.me/fakename',
    'phone_number:+12015550123',
  ]);
  for (const handle of handles) {
    assert.equal(handle.entityId, `${handle.kind}:${handle.value}`);
    assert.ok(text.slice(handle.rawStart, handle.rawEnd).length > 0);
  }
  const code = handles.find((h) => h.kind === 'gift_card_code');
  assert.equal(text.slice(code?.rawStart, code?.rawEnd), 'AB12-CD34-EF56-GH78');
});

test('look-alikes are not handles: amounts, dates, card-less runs, bad IBAN checksums, national numbers without a region', () => {
  assert.deepEqual(extractHandles('it costs $50 on 2024-05-01, order 1234-5678-9012-3456'), []);
  assert.deepEqual(extractHandles('XQ7RT2ZP9KLM4NWB8 is my build id'), [], 'a bare run needs a card word nearby');
  assert.equal(isIban('GB82WEST12345698765433'), false);
  assert.deepEqual(extractHandles('GB82 WEST 1234 5698 7654 33'), []);
  assert.deepEqual(extractHandles('call (201) 555-0123'), [], 'no region: only +… numbers');
  assert.equal(extractHandles('call +1 201 555 0123')[0]?.value, '+12015550123');
});
