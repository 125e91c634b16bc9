// The documents the language client sends to the server.
//
// Pure module: it must not import `vscode`. The filters are plain objects that
// are structurally compatible with vscode's `DocumentFilter`.

export interface PlainDocumentFilter {
  /** Always set: 'file' or 'untitled' (never git:, output:, vscode-notebook-cell: ...). */
  scheme: string;
  language?: string;
  pattern?: string;
}

/** Languages identified by VS Code language id (built in or from a common extension). */
export const LINTED_LANGUAGES: readonly string[] = [
  'python',
  'yaml',
  'json',
  'jsonl',
  'toml',
  'javascript',
  'javascriptreact',
  'typescript',
  'typescriptreact',
  'vue',
  'svelte',
  // Language ids contributed by other extensions for files matched by pattern below.
  'pip-requirements',
  'dotenv',
];

/**
 * File patterns for kinds that have no (or no built-in) language id, so they
 * are linted even when no extension contributes a language for them.
 */
export const LINTED_PATTERNS: readonly string[] = [
  '**/*.jsonl',
  '**/*.toml',
  '**/requirements*.txt',
  '**/package.json',
  '**/.env*',
  '**/*.vue',
  '**/*.svelte',
];

/**
 * Untitled (never saved) documents only carry a language id, so only the
 * language filters apply to them; patterns need a real file name.
 */
const UNTITLED_LANGUAGES: readonly string[] = LINTED_LANGUAGES.filter(
  (lang) => lang !== 'pip-requirements' && lang !== 'dotenv',
);

export function buildDocumentSelector(): PlainDocumentFilter[] {
  const selector: PlainDocumentFilter[] = [];
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

/** Whether a document (by scheme, language id and path) would be sent to the server. */
export function isLintedDocument(doc: { scheme: string; languageId: string; path: string }): boolean {
  return buildDocumentSelector().some((filter) => {
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
