import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildDocumentSelector, buildEditorSelector, isLintedDocument, matchesPattern } from '../src/selector';

describe('document selector', () => {
  const selector = buildDocumentSelector();

  it('covers every language of the server contract for file and untitled documents', () => {
    const languages = [
      'python', 'yaml', 'json', 'jsonl', 'toml', 'javascript', 'javascriptreact',
      'typescript', 'typescriptreact', 'vue', 'svelte',
    ];
    for (const language of languages) {
      assert.ok(selector.some((f) => f.language === language && f.scheme === 'file'), `${language} (file)`);
      assert.ok(selector.some((f) => f.language === language && f.scheme === 'untitled'), `${language} (untitled)`);
    }
  });

  it('uses file patterns for every kind the engine reads (generated from the analyzer registry)', () => {
    const patterns = [
      '**/requirements*.txt', '**/.env', '**/.env.*', '**/*.jsonl', '**/*.json', '**/*.sql',
      '**/*.ipynb', '**/*.cfg', '**/*.ini', '**/pyproject.toml', '**/ragfirst.toml',
    ];
    for (const pattern of patterns) {
      assert.ok(selector.some((f) => f.pattern === pattern && f.scheme === 'file'), pattern);
    }
    assert.ok(!selector.some((f) => f.pattern !== undefined && f.scheme !== 'file'), 'patterns only for file:');
  });

  it('every plain filter has a scheme (no accidental matching of git:, output:, ... documents)', () => {
    const plain = selector.filter((f) => !('notebook' in f));
    assert.ok(plain.every((f) => 'scheme' in f && (f.scheme === 'file' || f.scheme === 'untitled')));
  });

  it('selects the Python cells of Jupyter notebooks, and only those', () => {
    assert.ok(selector.some((f) => 'notebook' in f && f.notebook === 'jupyter-notebook' && f.language === 'python'));
    const cell = (languageId: string, notebookType?: string) => ({
      scheme: 'vscode-notebook-cell', languageId, path: '/w/train.ipynb', notebookType,
    });
    assert.ok(isLintedDocument(cell('python', 'jupyter-notebook')));
    assert.ok(!isLintedDocument(cell('markdown', 'jupyter-notebook')));
    assert.ok(!isLintedDocument(cell('python', 'interactive')));
    assert.ok(!isLintedDocument(cell('python')));
    const editor = buildEditorSelector();
    assert.ok(editor.some((f) => 'notebookType' in f && f.notebookType === 'jupyter-notebook'));
    assert.ok(!editor.some((f) => 'notebook' in f));
  });

  it('matchesPattern understands **/ and *', () => {
    assert.ok(matchesPattern('**/requirements*.txt', '/w/requirements.txt'));
    assert.ok(matchesPattern('**/requirements*.txt', '/w/sub/requirements-dev.txt'));
    assert.ok(matchesPattern('**/requirements*.txt', 'C:\\w\\requirements_test.txt'));
    assert.ok(!matchesPattern('**/requirements*.txt', '/w/requirements/other.txt'));
    assert.ok(matchesPattern('**/.env*', '/w/.env'));
    assert.ok(matchesPattern('**/.env*', '/w/.env.local'));
    assert.ok(!matchesPattern('**/.env*', '/w/my.env'));
    assert.ok(matchesPattern('**/package.json', '/w/node_modules/x/package.json'));
    assert.ok(!matchesPattern('**/package.json', '/w/package.jsonc'));
  });

  it('isLintedDocument decides like VS Code would for typical files', () => {
    const doc = (scheme: string, languageId: string, path: string) => ({ scheme, languageId, path });
    assert.ok(isLintedDocument(doc('file', 'python', '/w/app.py')));
    assert.ok(isLintedDocument(doc('untitled', 'typescript', 'Untitled-1')));
    assert.ok(isLintedDocument(doc('file', 'plaintext', '/w/requirements-dev.txt')));
    assert.ok(isLintedDocument(doc('file', 'plaintext', '/w/data/train.jsonl')));
    assert.ok(isLintedDocument(doc('file', 'properties', '/w/.env.production')));
    assert.ok(!isLintedDocument(doc('file', 'plaintext', '/w/notes.txt')));
    assert.ok(!isLintedDocument(doc('git', 'python', '/w/app.py')));
    assert.ok(!isLintedDocument(doc('untitled', 'plaintext', 'Untitled-2')));
  });
});
