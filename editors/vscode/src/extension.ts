// Entry point of the ragfirst VS Code extension.

import * as vscode from 'vscode';
import { Commands, DISPLAY_NAME, ServerCommands } from './constants';
import { onDidChangePythonInterpreter } from './python';
import {
  type DiagnosticLike,
  explanationMarkdown,
  normalizeRuleId,
  ruleIdFromCommandArg,
  ruleIdOf,
  summarizeRules,
} from './rules';
import { buildEditorSelector } from './selector';
import { readCurrentSettings, ServerManager } from './serverManager';
import { configChangeAction } from './settings';

const RULE_DOC_SCHEME = 'ragfirst-rule';

let manager: ServerManager | undefined;

/** Read-only virtual documents holding rule explanations (ragfirst-rule:/RF101.md). */
class RuleExplanationProvider implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly contents = new Map<string, string>();
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;

  set(rule: string, markdown: string): vscode.Uri {
    const uri = vscode.Uri.from({ scheme: RULE_DOC_SCHEME, path: `/${rule}.md` });
    this.contents.set(uri.toString(), markdown);
    this.changed.fire(uri);
    return uri;
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.contents.get(uri.toString()) ?? '';
  }

  dispose(): void {
    this.changed.dispose();
  }
}

/** Offers "Explain RFxxx" on ragfirst diagnostics (lightbulb and Problems panel). */
class ExplainRuleCodeActions implements vscode.CodeActionProvider {
  static readonly kinds = [vscode.CodeActionKind.QuickFix];

  provideCodeActions(
    _document: vscode.TextDocument,
    _range: vscode.Range | vscode.Selection,
    context: vscode.CodeActionContext,
  ): vscode.CodeAction[] {
    const seen = new Set<string>();
    const actions: vscode.CodeAction[] = [];
    for (const diagnostic of context.diagnostics) {
      const rule = ruleIdOf(diagnostic);
      if (rule === undefined || seen.has(rule)) {
        continue;
      }
      seen.add(rule);
      const action = new vscode.CodeAction(`Explain ragfirst rule ${rule}`, vscode.CodeActionKind.QuickFix);
      action.diagnostics = [diagnostic];
      action.isPreferred = false;
      action.command = { command: Commands.explainRule, title: `Explain ${rule}`, arguments: [{ rule }] };
      actions.push(action);
    }
    return actions;
  }
}

interface RuleItem extends vscode.QuickPickItem {
  rule: string;
}

function ruleUnderCursor(): string | undefined {
  const editor = vscode.window.activeTextEditor;
  if (editor === undefined) {
    return undefined;
  }
  const position = editor.selection.active;
  for (const diagnostic of vscode.languages.getDiagnostics(editor.document.uri)) {
    if (diagnostic.range.contains(position)) {
      const rule = ruleIdOf(diagnostic);
      if (rule !== undefined) {
        return rule;
      }
    }
  }
  return undefined;
}

/** Quick pick of the rules in the current diagnostics; any typed rule id is accepted too. */
function pickRule(): Promise<string | undefined> {
  const all: DiagnosticLike[] = [];
  for (const [, diagnostics] of vscode.languages.getDiagnostics()) {
    all.push(...(diagnostics as DiagnosticLike[]));
  }
  const summaries = summarizeRules(all);
  const current = ruleUnderCursor();
  const baseItems: RuleItem[] = summaries.map((summary) => ({
    rule: summary.rule,
    label: summary.rule,
    description:
      (summary.rule === current ? 'at cursor, ' : '') +
      `${summary.count} ${summary.count === 1 ? 'problem' : 'problems'}`,
    detail: summary.example,
  }));
  baseItems.sort((a, b) => Number(b.rule === current) - Number(a.rule === current));

  return new Promise((resolve) => {
    const quickPick = vscode.window.createQuickPick<RuleItem>();
    quickPick.title = 'ragfirst: Explain rule';
    quickPick.placeholder =
      baseItems.length > 0
        ? 'Pick a rule from the current problems, or type a rule id such as RF101'
        : 'Type a rule id such as RF101';
    quickPick.matchOnDetail = true;
    quickPick.items = baseItems;
    let settled = false;
    const finish = (rule: string | undefined): void => {
      if (!settled) {
        settled = true;
        resolve(rule);
        quickPick.dispose();
      }
    };
    quickPick.onDidChangeValue((value) => {
      const typed = normalizeRuleId(value);
      quickPick.items =
        typed !== undefined && !baseItems.some((item) => item.rule === typed)
          ? [{ rule: typed, label: typed, description: 'Explain this rule' }, ...baseItems]
          : baseItems;
    });
    quickPick.onDidAccept(() => {
      const selected = quickPick.selectedItems[0] ?? quickPick.activeItems[0];
      const rule = selected?.rule ?? normalizeRuleId(quickPick.value);
      if (rule === undefined) {
        void vscode.window.showWarningMessage(`ragfirst: "${quickPick.value}" is not a rule id (expected e.g. RF101).`);
        return;
      }
      finish(rule);
    });
    quickPick.onDidHide(() => finish(undefined));
    quickPick.show();
  });
}

async function showMarkdown(uri: vscode.Uri): Promise<void> {
  try {
    await vscode.commands.executeCommand('markdown.showPreview', uri);
  } catch {
    // Markdown preview unavailable (built-in markdown extension disabled): show the source.
    const document = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(document, { preview: true });
  }
}

async function explainRule(provider: RuleExplanationProvider, arg: unknown): Promise<void> {
  if (manager === undefined) {
    return;
  }
  const rule = ruleIdFromCommandArg(arg) ?? (await pickRule());
  if (rule === undefined) {
    return;
  }
  const response = await manager.executeServerCommand(ServerCommands.explainRule, [{ rule }], `explain ${rule}`);
  if (!response.ok) {
    return;
  }
  await showMarkdown(provider.set(rule, explanationMarkdown(rule, response.result)));
}

async function lintWorkspace(): Promise<void> {
  if (manager === undefined) {
    return;
  }
  const current = manager;
  const response = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: 'ragfirst: linting the workspace...', cancellable: true },
    (_progress, token) => current.executeServerCommand(ServerCommands.lintWorkspace, undefined, 'lint the workspace', token),
  );
  if (response.ok) {
    await vscode.commands.executeCommand('workbench.actions.view.problems');
  }
}

export function activate(context: vscode.ExtensionContext): void {
  const output = vscode.window.createOutputChannel(DISPLAY_NAME, { log: true });
  const traceOutput = vscode.window.createOutputChannel(`${DISPLAY_NAME} Trace`, { log: true });
  const current = new ServerManager(output, traceOutput);
  manager = current;
  const explanations = new RuleExplanationProvider();
  context.subscriptions.push(output, traceOutput, current, explanations);

  context.subscriptions.push(
    vscode.workspace.registerTextDocumentContentProvider(RULE_DOC_SCHEME, explanations),
    vscode.languages.registerCodeActionsProvider(buildEditorSelector(), new ExplainRuleCodeActions(), {
      providedCodeActionKinds: ExplainRuleCodeActions.kinds,
    }),
    vscode.commands.registerCommand(Commands.restartServer, async () => {
      output.info('Restarting the server (command).');
      await current.restart();
    }),
    vscode.commands.registerCommand(Commands.showOutput, () => output.show(true)),
    vscode.commands.registerCommand(Commands.explainRule, (arg?: unknown) => explainRule(explanations, arg)),
    vscode.commands.registerCommand(Commands.lintWorkspace, () => lintWorkspace()),
  );

  let restartTimer: ReturnType<typeof setTimeout> | undefined;
  const scheduleRestart = (reason: string): void => {
    if (restartTimer !== undefined) {
      clearTimeout(restartTimer);
    }
    restartTimer = setTimeout(() => {
      restartTimer = undefined;
      output.info(`Restarting the server: ${reason}.`);
      void current.restart();
    }, 300);
  };
  context.subscriptions.push({ dispose: () => restartTimer !== undefined && clearTimeout(restartTimer) });

  context.subscriptions.push(
    vscode.workspace.onDidChangeConfiguration((event) => {
      const action = configChangeAction((key) => event.affectsConfiguration(`ragfirst.${key}`));
      if (action === 'restart') {
        scheduleRestart('settings changed');
      } else if (action === 'notify') {
        for (const problem of readCurrentSettings().problems) {
          output.warn(problem);
        }
        void current.pushSettings();
      }
    }),
    vscode.workspace.onDidGrantWorkspaceTrust(() => scheduleRestart('workspace trusted')),
    vscode.workspace.onDidChangeWorkspaceFolders(() => {
      if (current.serverSource !== 'path-setting' && current.serverSource !== 'interpreter-setting') {
        scheduleRestart('workspace folders changed');
      }
    }),
  );

  // Follow interpreter changes in the Python extension (if installed) unless
  // the server was configured explicitly.
  void onDidChangePythonInterpreter(() => {
    const { settings } = readCurrentSettings();
    if (settings.enable && settings.path === undefined && settings.interpreter === undefined) {
      scheduleRestart('the Python interpreter changed');
    }
  }, output).then((disposable) => {
    if (disposable !== undefined) {
      context.subscriptions.push(disposable);
    }
  });

  void current.start();
}

export async function deactivate(): Promise<void> {
  const current = manager;
  manager = undefined;
  if (current !== undefined) {
    await current.stop();
  }
}
