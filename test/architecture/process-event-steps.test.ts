import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const engine = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', 'src', 'engine');

/** Every named function in `file` with its length in lines. */
function functionLengths(file: string): { name: string; lines: number }[] {
  const text = readFileSync(file, 'utf8');
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const found: { name: string; lines: number }[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isFunctionDeclaration(node) && node.name !== undefined) {
      const first = source.getLineAndCharacterOfPosition(node.getStart(source)).line;
      const last = source.getLineAndCharacterOfPosition(node.getEnd()).line;
      found.push({ name: node.name.text, lines: last - first + 1 });
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

test('processEvent is split into one-concern steps: no step of event processing is longer than 60 lines', () => {
  const steps = ['event-processor.ts', 'hit-effects.ts'].flatMap((name) =>
    functionLengths(join(engine, name)).map((entry) => ({ ...entry, file: name })),
  );
  assert.ok(
    steps.some((step) => step.name === 'processEvent'),
    'processEvent is in event-processor.ts',
  );
  assert.deepEqual(
    steps.filter((step) => step.lines > 60).map((step) => `${step.file}: ${step.name} (${step.lines} lines)`),
    [],
  );
});
