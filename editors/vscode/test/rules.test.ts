import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  explanationMarkdown,
  filterServerCommands,
  ruleIdFromCommandArg,
  ruleIdOf,
  summarizeRules,
} from '../src/rules';

describe('rules', () => {
  it('ruleIdOf reads plain and { value, target } codes of ragfirst diagnostics only', () => {
    assert.equal(ruleIdOf({ source: 'ragfirst', message: 'm', code: 'RF101' }), 'RF101');
    assert.equal(ruleIdOf({ source: 'ragfirst', message: 'm', code: { value: 'rf202', target: 'https://x' } }), 'RF202');
    assert.equal(ruleIdOf({ source: 'ruff', message: 'm', code: 'RF101' }), undefined);
    assert.equal(ruleIdOf({ source: 'ragfirst', message: 'm' }), undefined);
    assert.equal(ruleIdOf({ source: 'ragfirst', message: 'm', code: 12 }), undefined);
  });

  it('summarizeRules groups by rule, most frequent first', () => {
    const summaries = summarizeRules([
      { source: 'ragfirst', message: 'fine-tune where RAG would do', code: 'RF101' },
      { source: 'ragfirst', message: 'no max_tokens', code: { value: 'RF301' } },
      { source: 'ragfirst', message: 'no max_tokens again', code: 'RF301' },
      { source: 'pylint', message: 'other', code: 'RF999' },
    ]);
    assert.deepEqual(summaries, [
      { rule: 'RF301', example: 'no max_tokens', count: 2 },
      { rule: 'RF101', example: 'fine-tune where RAG would do', count: 1 },
    ]);
  });

  it('ruleIdFromCommandArg accepts "RF101" and { rule: "RF101" }', () => {
    assert.equal(ruleIdFromCommandArg('rf101'), 'RF101');
    assert.equal(ruleIdFromCommandArg({ rule: 'RF102' }), 'RF102');
    assert.equal(ruleIdFromCommandArg({ id: 'RF102' }), undefined);
    assert.equal(ruleIdFromCommandArg(undefined), undefined);
  });

  it('filterServerCommands removes the commands the extension registers itself', () => {
    assert.deepEqual(
      filterServerCommands(['ragfirst.explainRule', 'ragfirst.applyFix', 'ragfirst.lintWorkspace'], [
        'ragfirst.explainRule',
        'ragfirst.lintWorkspace',
      ]),
      ['ragfirst.applyFix'],
    );
    assert.equal(filterServerCommands(undefined, ['x']), undefined);
  });

  it('explanationMarkdown passes strings through and has a fallback', () => {
    assert.equal(explanationMarkdown('RF101', '# RF101\nUse RAG.'), '# RF101\nUse RAG.');
    assert.equal(explanationMarkdown('RF101', { kind: 'markdown', value: 'md' }), 'md');
    assert.match(explanationMarkdown('RF101', null), /returned no explanation/);
    assert.match(explanationMarkdown('RF101', '   '), /^# RF101/);
  });
});
