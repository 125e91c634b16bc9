// The documents the language client sends to the server.
//
// Pure module: it must not import `vscode`. The filters are plain objects that
// are structurally compatible with vscode's `DocumentFilter`.

export interface PlainDocumentFilter {
  /** Always set: 'file' or 'untitled' (never git:, output: ...; notebook cells: NotebookCellFilter). */
  scheme: string;
  language?: string;
  pattern?: string;
}

// BEGIN generated file kinds (scripts/gen_editor_configs.py, from the analyzer registry)
/** Languages identified by VS Code language id (built in or from a common extension). */
export const LINTED_LANGUAGES: readonly string[] = [
  'python',
  'jsonl',
  'javascript',
  'javascriptreact',
  'typescript',
  'typescriptreact',
  'vue',
  'svelte',
  'yaml',
  'json',
  'jsonc',
  'toml',
  'dotenv',
  'ini',
  'pip-requirements',
  'sql',
];

/**
 * File patterns for every kind of file the engine reads, so each is linted even when
 * no extension contributes a language for it.
 */
export const LINTED_PATTERNS: readonly string[] = [
  '**/*.cfg',
  '**/*.cjs',
  '**/*.cts',
  '**/*.env',
  '**/*.ini',
  '**/*.ipynb',
  '**/*.js',
  '**/*.json',
  '**/*.jsonc',
  '**/*.jsonl',
  '**/*.jsx',
  '**/*.mjs',
  '**/*.mts',
  '**/*.py',
  '**/*.pyi',
  '**/*.sql',
  '**/*.svelte',
  '**/*.toml',
  '**/*.ts',
  '**/*.tsx',
  '**/*.vue',
  '**/*.yaml',
  '**/*.yml',
  '**/*requirements*.in',
  '**/.env',
  '**/.env.*',
  '**/.ragfirst.toml',
  '**/Pipfile',
  '**/constraints*.txt',
  '**/pyproject.toml',
  '**/ragfirst.toml',
  '**/requirements*.txt',
  '**/requirements/*.txt',
];
// END generated file kinds

/**
 * Python cells of Jupyter notebooks. The server advertises notebook document sync
 * for `jupyter-notebook` with Python cells; this filter (vscode-languageclient's
 * notebook cell filter) routes the cells' hovers and code actions to it, and the
 * client syncs the notebook with `notebookDocument/*`.
 */
export interface NotebookCellFilter {
  notebook: string;
  language: string;
  scheme?: never; // so code can read `filter.scheme` of either kind
  pattern?: never;
}

export const NOTEBOOK_CELLS: NotebookCellFilter = { notebook: 'jupyter-notebook', language: 'python' };

/**
 * Untitled (never saved) documents only carry a language id, so only the
 * language filters apply to them; patterns need a real file name.
 */
const UNTITLED_LANGUAGES: readonly string[] = LINTED_LANGUAGES.filter(
  (lang) => lang !== 'pip-requirements' && lang !== 'dotenv',
);

export function buildDocumentSelector(): (PlainDocumentFilter | NotebookCellFilter)[] {
  const selector: (PlainDocumentFilter | NotebookCellFilter)[] = [NOTEBOOK_CELLS];
  for (const language of LINTED_LANGUAGES) {
    selector.push({ scheme: 'file', language });
  }
  for (const language of UNTITLED_LANGUAGES) {
    selector.push({ scheme: 'untitled', language });
  }
  for (const pattern of LINTED_PATTERNS) {
    selector.push({ scheme: 'file', pattern });
  }
  return selector;
}

/** Minimal glob matcher for the patterns above (`**\/`, `*`, `?`); paths use `/` or `\\`. */
export function matchesPattern(pattern: string, filePath: string): boolean {
  const normalized = filePath.replace(/\\/g, '/');
  let re = '';
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i];
    if (pattern.startsWith('**/', i)) {
      re += '(?:.*/)?';
      i += 2;
    } else if (ch === '*') {
      re += '[^/]*';
    } else if (ch === '?') {
      re += '[^/]';
    } else {
      re += ch.replace(/[.+^${}()|[\]\\]/g, '\\$&');
    }
  }
  return new RegExp(`^${re}$`).test(normalized);
}

/**
 * The same documents for vscode's own APIs (`languages.register...`), whose
 * filters name a cell's notebook with `notebookType`.
 */
export function buildEditorSelector(): (PlainDocumentFilter | { notebookType: string; language: string })[] {
  return buildDocumentSelector().map((filter) =>
    'notebook' in filter ? { notebookType: filter.notebook, language: filter.language } : filter,
  );
}

/**
 * Whether a document (by scheme, language id, path and, for a notebook cell, the
 * notebook's type) would be sent to the server.
 */
export function isLintedDocument(doc: {
  scheme: string;
  languageId: string;
  path: string;
  notebookType?: string;
}): boolean {
  return buildDocumentSelector().some((filter) => {
    if ('notebook' in filter) {
      return doc.notebookType === filter.notebook && doc.languageId === filter.language;
    }
    if (filter.scheme !== doc.scheme) {
      return false;
    }
    if (filter.language !== undefined && filter.language !== doc.languageId) {
      return false;
    }
    if (filter.pattern !== undefined && !matchesPattern(filter.pattern, doc.path)) {
      return false;
    }
    return true;
  });
}
