import assert from 'node:assert/strict';
import { test } from 'node:test';
import { captureIo } from '../../../test/support/capture-io.js';
import { runCli } from '../main.js';

/**
 * `prevail worker` refuses partition settings out of range before it connects to anything: the
 * NATS URL below points at a port nothing listens on, so a refusal that came later would name
 * the connection instead.
 */
test('prevail worker: --partitions and --partition-lease-ms out of range are CONFIG_INVALID', async () => {
  const run = async (...args: string[]) => {
    const io = captureIo();
    const status = await runCli(
      ['worker', '--events', 'nats://127.0.0.1:1', '--database-url', 'postgres://127.0.0.1:1/none', ...args],
      io,
    );
    return { status, errors: io.errors() };
  };
  for (const [args, message] of [
    [['--partitions', '1025'], /CONFIG_INVALID: --partitions is at most 1,024/],
    [['--partitions', '4', '--partition-lease-ms', '2999'], /CONFIG_INVALID: --partition-lease-ms is from 3,000/],
    // Beyond setTimeout's 2^31-1 ms, a third of the lease would renew every millisecond.
    [
      ['--partitions', '4', '--partition-lease-ms', '99999999999'],
      /CONFIG_INVALID: --partition-lease-ms is from 3,000/,
    ],
    [['--partitions', '4', '--partition-lease-ms', '3600001'], /CONFIG_INVALID: --partition-lease-ms is from 3,000/],
  ] as const) {
    const { status, errors } = await run(...args);
    assert.notEqual(status, 0, args.join(' '));
    assert.match(errors, message, args.join(' '));
  }
});
