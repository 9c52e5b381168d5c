import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeIssueList, describeIssues } from './describe-issues.js';

test('issues read as path: message, the whole value named by its placeholder', () => {
  const issues = [
    { path: ['filer', 'tin'], message: 'required' },
    { path: [], message: 'expected an object' },
    { path: ['corridors', 2], message: 'expected a country code' },
  ];
  assert.deepEqual(describeIssueList(issues, '(config)'), [
    'filer.tin: required',
    '(config): expected an object',
    'corridors.2: expected a country code',
  ]);
  assert.equal(describeIssues(issues.slice(0, 2), '(case)'), 'filer.tin: required; (case): expected an object');
});
