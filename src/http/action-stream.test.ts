import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { describe, test } from 'node:test';
import type { OutboxAction } from '../actions/index.js';
import { pumpActionStream, type StreamSink } from './action-stream.js';

/** A connection whose reader never reads: everything written stays buffered. */
class StalledSink extends EventEmitter implements StreamSink {
  readonly chunks: string[] = [];
  ended = false;
  destroyed = false;
  get writableLength(): number {
    return this.chunks.reduce((total, chunk) => total + Buffer.byteLength(chunk), 0);
  }
  write(chunk: string): boolean {
    this.chunks.push(chunk);
    return false;
  }
  end(): void {
    this.ended = true;
  }
  destroy(): void {
    this.destroyed = true;
    this.emit('close');
  }
}

function row(id: number): OutboxAction {
  return {
    id,
    idempotencyKey: `k${id}`,
    endpoint: 'feed',
    action: 'end_stream',
    kind: 'terminate_stream',
    mode: 'active',
    status: 'stream',
    bodyJson: JSON.stringify({ id: `k${id}`, action: 'end_stream', filler: 'x'.repeat(400) }),
    eventId: `e${id}`,
    ruleId: 'r',
    subject: 'user:u',
    caseId: null,
    createdAt: '2026-01-01T00:00:00.000Z',
    committedAt: '2026-01-01T00:00:00.000Z',
    attempts: 0,
    nextAttemptAt: null,
    deliveredAt: null,
    lastError: null,
  };
}

describe('the action stream pump', () => {
  test('a subscriber that does not read is ended with a coded reason once its buffer passes the bound', async () => {
    const sink = new StalledSink();
    let reads = 0;
    // An endless outbox: every read returns a full page; bounded by the pump itself.
    const read = async (after: number, limit: number) => {
      reads++;
      assert.ok(reads < 1000, 'the pump stops reading');
      return Array.from({ length: limit }, (_, index) => row(after + index + 1));
    };
    const how = await pumpActionStream(sink, read, 0, {
      pollMs: 10,
      heartbeatMs: 1000,
      maxBufferBytes: 64 * 1024,
      pageSize: 50,
    });
    assert.equal(how, 'slow_consumer');
    assert.equal(sink.ended, true);
    const last = sink.chunks.at(-1) ?? '';
    assert.match(last, /^event: error\ndata: /);
    const reason = JSON.parse(last.split('data: ')[1] ?? '{}');
    assert.equal(reason.code, 'ACTIONS_STREAM_SLOW_CONSUMER');
    assert.equal(typeof reason.resume_after, 'number');
    assert.ok(sink.writableLength < 64 * 1024 + 50 * 1024, 'at most one page past the bound');
  });

  test('a closed connection stops the pump', async () => {
    const sink = new StalledSink();
    setTimeout(() => sink.destroy(), 30);
    const how = await pumpActionStream(sink, async () => [], 0, {
      pollMs: 5,
      heartbeatMs: 10,
      maxBufferBytes: 1024 * 1024,
      pageSize: 10,
    });
    assert.equal(how, 'closed');
    assert.ok(sink.chunks.some((chunk) => chunk === ': heartbeat\n\n'));
  });
});
