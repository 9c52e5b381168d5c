import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InvalidArgumentError } from 'commander';
import { addressList } from './options.js';

test('--trust-proxy: addresses and CIDR ranges pass; anything else is a usage error naming it', () => {
  assert.deepEqual(addressList('127.0.0.1, 10.0.0.0/8,::1'), ['127.0.0.1', '10.0.0.0/8', '::1']);
  for (const bad of ['proxy.internal', '10.0.0.0/99', '300.1.1.1', '1.2.3.4\u0000'])
    assert.throws(
      () => addressList(`127.0.0.1,${bad}`),
      (error: unknown) => error instanceof InvalidArgumentError && error.message.includes(bad),
    );
});
