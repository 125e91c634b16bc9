// Helpers around rule ids and server-side commands.
//
// Pure module: it must not import `vscode`.

import { DIAGNOSTIC_SOURCE } from './constants';
import { normalizeRuleId } from './settings';

export { normalizeRuleId };

/** The parts of a vscode.Diagnostic that matter here. */
export interface DiagnosticLike {
  source?: string;
  message: string;
  code?: string | number | { value: string | number; target?: unknown };
}

export interface RuleSummary {
  rule: string;
  /** First message seen for the rule. */
  example: string;
  count: number;
}

/** The rule id carried in a diagnostic's `code` (plain or `{ value, target }`). */
export function ruleIdOf(diagnostic: DiagnosticLike): string | undefined {
  if (diagnostic.source !== DIAGNOSTIC_SOURCE) {
    return undefined;
  }
  const code = diagnostic.code;
  const raw = typeof code === 'object' && code !== null ? code.value : code;
  return raw === undefined ? undefined : normalizeRuleId(String(raw));
}

/** Groups ragfirst diagnostics by rule, most frequent first, then by id. */
export function summarizeRules(diagnostics: Iterable<DiagnosticLike>): RuleSummary[] {
  const byRule = new Map<string, RuleSummary>();
  for (const diagnostic of diagnostics) {
    const rule = ruleIdOf(diagnostic);
    if (rule === undefined) {
      continue;
    }
    const existing = byRule.get(rule);
    if (existing === undefined) {
      byRule.set(rule, { rule, example: diagnostic.message, count: 1 });
    } else {
      existing.count++;
    }
  }
  return [...byRule.values()].sort((a, b) => b.count - a.count || a.rule.localeCompare(b.rule));
}

/** Reads the rule id from a command argument: "RF101" or { rule: "RF101" }. */
export function ruleIdFromCommandArg(arg: unknown): string | undefined {
  if (typeof arg === 'string') {
    return normalizeRuleId(arg);
  }
  if (typeof arg === 'object' && arg !== null && 'rule' in arg) {
    return normalizeRuleId(arg.rule);
  }
  return undefined;
}

/**
 * The server advertises its executeCommand commands; vscode-languageclient
 * registers a VS Code command for each. The extension registers some of those
 * ids itself (with UI around them), and registering an id twice throws, so
 * those are removed from what the client registers.
 */
export function filterServerCommands(
  commands: readonly string[] | undefined,
  ownedByExtension: Iterable<string>,
): string[] | undefined {
  if (commands === undefined) {
    return undefined;
  }
  const owned = new Set(ownedByExtension);
  return commands.filter((command) => !owned.has(command));
}

/** Turns whatever the server returned for explainRule into markdown to show. */
export function explanationMarkdown(rule: string, result: unknown): string {
  if (typeof result === 'string' && result.trim() !== '') {
    return result;
  }
  if (typeof result === 'object' && result !== null) {
    const value = (result as { value?: unknown; markdown?: unknown }).value ?? (result as { markdown?: unknown }).markdown;
    if (typeof value === 'string' && value.trim() !== '') {
      return value;
    }
  }
  return `# ${rule}\n\nThe ragfirst server returned no explanation for this rule.\n`;
}
