import assert from 'node:assert/strict';
import { test } from 'node:test';
import { closestName } from './closest-name.js';
import { compareDiagnostics, type Diagnostic, formatDiagnostics } from './diagnostic.js';

const diagnostic: Diagnostic = {
  file: 'sessions.yaml',
  line: 7,
  column: 19,
  message: "unknown feature 'payments_30m'",
  hint: "did you mean 'payments_to_host_30m'?",
  sourceLine: '      && features.payments_30m > 0',
};

test('formats like a compiler: file:line:col, excerpt with caret, hint', () => {
  assert.equal(
    formatDiagnostics([diagnostic], { directory: 'rules' }),
    [
      "rules/sessions.yaml:7:19: unknown feature 'payments_30m'",
      '    7 |       && features.payments_30m > 0',
      '      |                   ^',
      "  hint: did you mean 'payments_to_host_30m'?",
      '',
    ].join('\n'),
  );
  assert.equal(
    formatDiagnostics([diagnostic], { excerpts: false }),
    "sessions.yaml:7:19: unknown feature 'payments_30m'\n  hint: did you mean 'payments_to_host_30m'?\n",
  );
  assert.equal(formatDiagnostics([]), '');
});

test('the caret keeps tabs so it lines up under the column', () => {
  const tabbed = { file: 'a.yaml', line: 1, column: 4, message: 'm', sourceLine: '\tx\ty' };
  assert.equal(formatDiagnostics([tabbed]).split('\n')[2], '      | \t \t^');
});

test('diagnostics order by file, line, column, message (code units, not locale)', () => {
  const at = (file: string, line: number, column: number, message = 'm'): Diagnostic => ({
    file,
    line,
    column,
    message,
  });
  const sorted = [
    at('b.yaml', 1, 1),
    at('a.yaml', 2, 1),
    at('a.yaml', 1, 9),
    at('a.yaml', 1, 2, 'b'),
    at('a.yaml', 1, 2, 'a'),
    at('Z.yaml', 9, 9),
  ]
    .sort(compareDiagnostics)
    .map((item) => `${item.file}:${item.line}:${item.column}:${item.message}`);
  assert.deepEqual(sorted, [
    'Z.yaml:9:9:m',
    'a.yaml:1:2:a',
    'a.yaml:1:2:b',
    'a.yaml:1:9:m',
    'a.yaml:2:1:m',
    'b.yaml:1:1:m',
  ]);
});

test('closestName suggests likely typos only, deterministically', () => {
  assert.equal(closestName('session.start', ['session.started', 'session.ended']), 'session.started');
  assert.equal(closestName('whne', ['when', 'mode']), 'when');
  assert.equal(closestName('lable', ['label', 'case']), 'label');
  assert.equal(closestName('xyz', ['label', 'case']), undefined);
  assert.equal(closestName('ab', ['ac', 'aa']), 'aa');
});
