import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { createLogger } from '../logging/index.js';
import { type GuardedProcess, guardProcess, uncaughtExitCode } from './process-guard.js';

class FakeProcess extends EventEmitter implements GuardedProcess {
  readonly exits: number[] = [];
  exit(code: number): void {
    this.exits.push(code);
  }
}

function memoryLogger(): { logger: ReturnType<typeof createLogger>; lines: () => Record<string, unknown>[] } {
  const chunks: string[] = [];
  const logger = createLogger({ level: 'info', destination: { write: (chunk: string) => chunks.push(chunk) } });
  return {
    logger,
    lines: () =>
      chunks
        .join('')
        .trim()
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line)),
  };
}

describe('guardProcess', () => {
  it('logs an unhandled rejection and neither closes nor exits', async () => {
    const target = new FakeProcess();
    const { logger, lines } = memoryLogger();
    let closed = 0;
    const unguard = guardProcess(logger, async () => void closed++, target);
    target.emit('unhandledRejection', new Error('stray rejection'), Promise.resolve());
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(closed, 0);
    assert.deepEqual(target.exits, []);
    const logged = lines().find((line) => line.event === 'unhandled_rejection');
    assert.ok(logged, 'the rejection is logged');
    unguard();
    assert.equal(target.listenerCount('unhandledRejection'), 0);
    assert.equal(target.listenerCount('uncaughtException'), 0);
  });

  it('closes once and exits 70 on an uncaught exception, even when closing fails', async () => {
    const target = new FakeProcess();
    const { logger, lines } = memoryLogger();
    let closed = 0;
    guardProcess(
      logger,
      async () => {
        closed++;
        throw new Error('close failed too');
      },
      target,
    );
    target.emit('uncaughtException', new Error('boom'));
    target.emit('uncaughtException', new Error('boom again'));
    await new Promise((resolve) => setTimeout(resolve, 20));
    assert.equal(closed, 1);
    assert.deepEqual(target.exits, [uncaughtExitCode]);
    assert.equal(lines().filter((line) => line.event === 'uncaught_exception').length, 2);
  });

  it('keeps a real Node.js process alive through an unhandled rejection (Node 20 would exit)', () => {
    const guardUrl = new URL('./process-guard.ts', import.meta.url).href;
    const loggingUrl = new URL('../logging/index.ts', import.meta.url).href;
    const script = [
      `const { guardProcess } = await import(${JSON.stringify(guardUrl)});`,
      `const { createLogger } = await import(${JSON.stringify(loggingUrl)});`,
      `guardProcess(createLogger({ level: 'info' }), async () => {});`,
      `Promise.reject(new Error('nobody handles this'));`,
      `setTimeout(() => { process.stdout.write('alive'); }, 50);`,
    ].join('\n');
    const child = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      cwd: fileURLToPath(new URL('../..', import.meta.url)),
      encoding: 'utf8',
      timeout: 30_000,
    });
    assert.equal(child.status, 0, child.stderr);
    assert.equal(child.stdout, 'alive');
    assert.match(child.stderr, /unhandled_rejection/);
  });
});
