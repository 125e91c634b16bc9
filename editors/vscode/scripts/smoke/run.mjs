#!/usr/bin/env node
// Smoke test of the production bundle (dist/extension.js) without VS Code.
//
// Loads the bundle with a small stand-in for the `vscode` module, activates
// the extension with `ragfirst.path` pointing at a server, and checks that:
//   - the server is started as `<path> server [args]` and reaches "running";
//   - initializationOptions have the contract's shape;
//   - the server's executeCommand commands do not clash with the extension's;
//   - ragfirst.explainRule round-trips and opens a markdown preview;
//   - ragfirst.lintWorkspace round-trips and diagnostics arrive;
//   - a severityOverrides change is pushed with didChangeConfiguration;
//   - deactivate shuts the server down.
//
//   node scripts/smoke/run.mjs                 # against scripts/smoke/fake-server.mjs
//   node scripts/smoke/run.mjs /path/ragfirst  # against a real server (checks fewer details)
//
// Not shipped; not a replacement for trying the extension in VS Code.
import { mkdtempSync, readFileSync, rmSync, writeFileSync, chmodSync } from 'node:fs';
import Module from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '..', '..');
const realServer = process.argv[2];
const scratch = mkdtempSync(join(tmpdir(), 'ragfirst-smoke-'));
const serverLog = join(scratch, 'server.log');

let serverPath = realServer;
if (serverPath === undefined) {
  // A `ragfirst`-like executable wrapping the fake server.
  serverPath = join(scratch, 'ragfirst');
  writeFileSync(serverPath, `#!/bin/sh\nexec "${process.execPath}" "${join(here, 'fake-server.mjs')}" "$@"\n`);
  chmodSync(serverPath, 0o755);
}

// ---------------------------------------------------------------- vscode stand-in
const failures = [];
const log = [];
const settings = {
  'ragfirst.path': serverPath,
  'ragfirst.args': realServer ? [] : ['--smoke'],
  'ragfirst.severityOverrides': { rf101: 'Warning' },
  'ragfirst.inlayHints.enable': false,
};
const commands = new Map();
const configListeners = [];
const shownPreviews = [];
const contentProviders = new Map();
const diagnostics = new Map();
const messages = [];

function autoMock(name) {
  const children = new Map();
  return new Proxy(function () {}, {
    get(_target, prop) {
      if (prop === 'then') return undefined;
      if (prop === Symbol.toPrimitive) return () => `[${name}]`;
      if (prop === Symbol.iterator) return function* () {};
      if (prop === 'dispose') return () => undefined;
      if (!children.has(prop)) children.set(prop, autoMock(`${name}.${String(prop)}`));
      return children.get(prop);
    },
    set(_target, prop, value) {
      children.set(prop, value);
      return true;
    },
    apply: () => autoMock(`${name}()`),
    construct: () => autoMock(`new ${name}`),
  });
}

function withFallback(name, explicit) {
  return new Proxy(explicit, {
    get(target, prop) {
      if (prop in target) return target[prop];
      if (prop === 'then') return undefined;
      if (typeof prop === 'string' && prop.startsWith('onDid')) return () => ({ dispose() {} });
      return autoMock(`${name}.${String(prop)}`);
    },
  });
}

class EventEmitter {
  listeners = new Set();
  event = (listener) => {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  };
  fire(value) {
    for (const listener of [...this.listeners]) listener(value);
  }
  dispose() {
    this.listeners.clear();
  }
}

class Disposable {
  constructor(fn) {
    this.fn = fn;
  }
  static from(...items) {
    return new Disposable(() => items.forEach((i) => i?.dispose?.()));
  }
  dispose() {
    this.fn?.();
  }
}

class Uri {
  constructor(scheme, path) {
    this.scheme = scheme;
    this.path = path;
    this.fsPath = path;
    this.authority = '';
    this.query = '';
    this.fragment = '';
  }
  static parse(value) {
    const match = /^([a-z][\w+.-]*):(?:\/\/[^/]*)?(.*)$/i.exec(value);
    return match ? new Uri(match[1], decodeURIComponent(match[2])) : new Uri('file', value);
  }
  static file(path) {
    return new Uri('file', path);
  }
  static from({ scheme, path }) {
    return new Uri(scheme, path);
  }
  with(change) {
    return new Uri(change.scheme ?? this.scheme, change.path ?? this.path);
  }
  toString() {
    return this.scheme === 'file' ? `file://${this.path}` : `${this.scheme}:${this.path}`;
  }
  toJSON() {
    return this.toString();
  }
}

class CancellationTokenSource {
  token = { isCancellationRequested: false, onCancellationRequested: () => ({ dispose() {} }) };
  cancel() {
    this.token.isCancellationRequested = true;
  }
  dispose() {}
}

class Position {
  constructor(line, character) {
    this.line = line;
    this.character = character;
  }
}
class Range {
  constructor(a, b, c, d) {
    [this.start, this.end] = typeof a === 'number' ? [new Position(a, b), new Position(c, d)] : [a, b];
  }
}
class Diagnostic {
  constructor(range, message, severity) {
    Object.assign(this, { range, message, severity });
  }
}

function outputChannel(name) {
  const emitter = new EventEmitter();
  const write = (level) => (message, ...rest) => {
    const line = `[${name}] ${level} ${message}${rest.length ? ' ' + rest.map(String).join(' ') : ''}`;
    log.push(line);
    if (process.env.SMOKE_VERBOSE) console.log(line);
  };
  return {
    name,
    logLevel: 3,
    onDidChangeLogLevel: emitter.event,
    trace: write('trace'),
    debug: write('debug'),
    info: write('info'),
    warn: write('warn'),
    error: write('error'),
    append: write(''),
    appendLine: write(''),
    replace() {},
    clear() {},
    show() {},
    hide() {},
    dispose() {},
  };
}

const statusItem = { text: '', tooltip: '', show() {}, hide() {}, dispose() {} };
const configuration = (section) => ({
  get: (key, fallback) => {
    const full = section ? `${section}.${key}` : key;
    return full in settings ? settings[full] : fallback;
  },
  has: (key) => `${section}.${key}` in settings,
  inspect: () => undefined,
  update: async () => undefined,
});

const vscode = withFallback('vscode', {
  version: '1.95.0',
  EventEmitter,
  Disposable,
  Uri,
  CancellationTokenSource,
  Position,
  Range,
  Diagnostic,
  DiagnosticSeverity: { Error: 0, Warning: 1, Information: 2, Hint: 3 },
  LogLevel: { Off: 0, Trace: 1, Debug: 2, Info: 3, Warning: 4, Error: 5 },
  StatusBarAlignment: { Left: 1, Right: 2 },
  ProgressLocation: { SourceControl: 1, Window: 10, Notification: 15 },
  CodeActionKind: { QuickFix: { value: 'quickfix' }, Empty: { value: '' } },
  ThemeColor: class {
    constructor(id) {
      this.id = id;
    }
  },
  window: withFallback('window', {
    createOutputChannel: (name) => outputChannel(name),
    createStatusBarItem: () => statusItem,
    showErrorMessage: async (m, ...buttons) => (messages.push(`error: ${m} [${buttons.join(', ')}]`), undefined),
    showWarningMessage: async (m) => (messages.push(`warning: ${m}`), undefined),
    showInformationMessage: async (m) => (messages.push(`info: ${m}`), undefined),
    withProgress: (_options, task) =>
      task({ report() {} }, { isCancellationRequested: false, onCancellationRequested: () => ({ dispose() {} }) }),
    activeTextEditor: undefined,
    visibleTextEditors: [],
    tabGroups: { all: [], onDidChangeTabs: () => ({ dispose() {} }), onDidChangeTabGroups: () => ({ dispose() {} }) },
  }),
  workspace: withFallback('workspace', {
    workspaceFolders: [{ uri: Uri.file(scratch), name: 'smoke', index: 0 }],
    isTrusted: true,
    textDocuments: [],
    notebookDocuments: [],
    getConfiguration: (section) => configuration(section),
    onDidChangeConfiguration: (listener) => {
      configListeners.push(listener);
      return { dispose() {} };
    },
    registerTextDocumentContentProvider: (scheme, provider) => {
      contentProviders.set(scheme, provider);
      return { dispose() {} };
    },
    openTextDocument: async (uri) => ({ uri, getText: () => contentProviders.get(uri.scheme)?.provideTextDocumentContent(uri) }),
    getWorkspaceFolder: () => undefined,
  }),
  commands: withFallback('commands', {
    registerCommand: (id, handler) => {
      if (commands.has(id)) {
        throw new Error(`command '${id}' already exists`);
      }
      commands.set(id, handler);
      return { dispose: () => commands.delete(id) };
    },
    executeCommand: async (id, ...args) => {
      if (id === 'markdown.showPreview') {
        shownPreviews.push(args[0]);
        return undefined;
      }
      if (commands.has(id)) return commands.get(id)(...args);
      return undefined;
    },
    getCommands: async () => [...commands.keys()],
  }),
  languages: withFallback('languages', {
    createDiagnosticCollection: (name) => ({
      name,
      set: (uri, items) => diagnostics.set(String(uri), items ?? []),
      delete: (uri) => diagnostics.delete(String(uri)),
      clear: () => diagnostics.clear(),
      forEach() {},
      get: (uri) => diagnostics.get(String(uri)),
      has: (uri) => diagnostics.has(String(uri)),
      dispose() {},
    }),
    getDiagnostics: () => [],
    registerCodeActionsProvider: () => ({ dispose() {} }),
    match: () => 0,
  }),
  extensions: withFallback('extensions', { getExtension: () => undefined, all: [] }),
  env: withFallback('env', { openExternal: async () => true, language: 'en', appName: 'smoke' }),
});

// Serve `require('vscode')` from the stand-in.
const originalResolve = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
  return request === 'vscode' ? 'vscode' : originalResolve.call(this, request, ...rest);
};
Module._cache.vscode = { id: 'vscode', filename: 'vscode', loaded: true, exports: vscode };

// ---------------------------------------------------------------- the test
const check = (ok, what) => {
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${what}`);
  if (!ok) failures.push(what);
};
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
async function waitFor(predicate, ms = 10000) {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (predicate()) return true;
    await sleep(25);
  }
  return predicate();
}
const serverMessages = () =>
  realServer
    ? []
    : readFileSync(serverLog, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line));

process.env.RAGFIRST_FAKE_LOG = serverLog;
writeFileSync(serverLog, '');
const require = Module.createRequire(import.meta.url);
const extension = require(join(root, 'dist', 'extension.js'));
check(typeof extension.activate === 'function' && typeof extension.deactivate === 'function', 'bundle exports activate/deactivate');

const subscriptions = [];
try {
  extension.activate({ subscriptions, extensionPath: root, extension: { id: 'ragfirst-placeholder.ragfirst' } });
  for (const id of ['ragfirst.restartServer', 'ragfirst.showOutput', 'ragfirst.explainRule', 'ragfirst.lintWorkspace']) {
    check(commands.has(id), `command ${id} registered`);
  }
  check(await waitFor(() => statusItem.text.includes('$(check)')), `status bar reaches running (now "${statusItem.text}")`);

  if (!realServer) {
    const received = serverMessages();
    const argv = received.find((m) => m.event === 'argv')?.argv;
    check(JSON.stringify(argv) === JSON.stringify(['server', '--smoke']), `server started as "<path> server --smoke" (argv ${JSON.stringify(argv)})`);
    const init = received.find((m) => m.method === 'initialize');
    check(
      JSON.stringify(init?.params?.initializationOptions) === JSON.stringify({ inlayHints: false, severityOverrides: { RF101: 'warning' } }),
      `initializationOptions ${JSON.stringify(init?.params?.initializationOptions)}`,
    );
    // The client registers the server's commands once it has read initialize's result,
    // which may be a moment after the status bar turns to running.
    check(
      await waitFor(() => commands.has('ragfirst.internalFix')),
      'other server commands are still registered by the client',
    );
  }
  check(!messages.some((m) => m.startsWith('error')), `no error notifications (${messages.join(' | ')})`);

  await commands.get('ragfirst.explainRule')({ rule: 'rf101' });
  const preview = shownPreviews.at(-1);
  const text = preview ? contentProviders.get(preview.scheme)?.provideTextDocumentContent(preview) : undefined;
  check(typeof text === 'string' && text.includes('RF101'), `explainRule opens a markdown preview (${JSON.stringify(text?.slice(0, 60))})`);
  check(preview?.path === '/RF101.md', `preview uri ${preview ? String(preview) : 'none'}`);

  await commands.get('ragfirst.lintWorkspace')();
  if (!realServer) {
    const lint = serverMessages().find((m) => m.method === 'workspace/executeCommand' && m.params.command === 'ragfirst.lintWorkspace');
    check(lint !== undefined, 'lintWorkspace reached the server');
    check(await waitFor(() => diagnostics.size > 0, 3000), 'diagnostics published by the server reach the diagnostic collection');
    const [published] = [...diagnostics.values()][0] ?? [];
    check(
      published?.source === 'ragfirst' && published?.code?.value === 'RF101' && String(published?.code?.target).includes('/rules/RF101'),
      'diagnostic keeps source, rule id and guide link',
    );
  }

  settings['ragfirst.severityOverrides'] = { RF101: 'off' };
  const affected = new Set(['ragfirst', 'ragfirst.severityOverrides']);
  for (const listener of configListeners) listener({ affectsConfiguration: (s) => affected.has(s) });
  if (!realServer) {
    check(
      await waitFor(() =>
        serverMessages().some(
          (m) =>
            m.method === 'workspace/didChangeConfiguration' &&
            JSON.stringify(m.params?.settings) === JSON.stringify({ ragfirst: { inlayHints: false, severityOverrides: { RF101: 'off' } } }),
        ),
      3000),
      'severityOverrides change pushed with didChangeConfiguration',
    );
  }

  await extension.deactivate();
  check(statusItem.text.includes('$(circle-slash)'), `status bar shows stopped after deactivate (now "${statusItem.text}")`);
  if (!realServer) {
    check(await waitFor(() => serverMessages().some((m) => m.method === 'exit'), 3000), 'server received shutdown/exit');
  }

  // Not found: an explicit ragfirst.path that does not exist.
  const disposeAll = () => subscriptions.splice(0).forEach((s) => s.dispose());
  disposeAll();
  messages.length = 0;
  settings['ragfirst.path'] = join(scratch, 'missing', 'ragfirst');
  extension.activate({ subscriptions });
  check(await waitFor(() => statusItem.text.includes('$(error)')), `status bar shows error for a wrong ragfirst.path (now "${statusItem.text}")`);
  check(
    messages.some((m) => m.includes('ragfirst.path is set to') && m.includes('Open settings')),
    `error message for a wrong ragfirst.path (${messages.join(' | ')})`,
  );
  await extension.deactivate();

  // Not found at all: no settings, nothing on PATH.
  disposeAll();
  messages.length = 0;
  delete settings['ragfirst.path'];
  const savedPath = process.env.PATH;
  process.env.PATH = join(scratch, 'empty');
  extension.activate({ subscriptions });
  check(await waitFor(() => statusItem.text.includes('$(error)')), 'status bar shows error when no server is found');
  check(
    messages.some((m) => m.includes('Could not find the ragfirst language server') && m.includes('Open install docs')),
    `not-found message with an install docs button (${messages.join(' | ')})`,
  );
  process.env.PATH = savedPath;
  await extension.deactivate();
} catch (error) {
  failures.push(String(error?.stack ?? error));
  console.error(error);
} finally {
  for (const s of subscriptions) {
    try {
      s.dispose();
    } catch {
      /* ignore */
    }
  }
  rmSync(scratch, { recursive: true, force: true });
}

if (failures.length > 0) {
  console.error(`\nbundle smoke test: ${failures.length} failed`);
  console.error(log.slice(-40).join('\n'));
  process.exit(1);
}
console.log('\nbundle smoke test: all checks passed');
process.exit(0);
