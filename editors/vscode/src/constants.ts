// Pure constants shared by the extension and the unit tests.
// This module must not import `vscode`.

/** Extension / client id. Also the configuration section (`ragfirst.*`). */
export const EXTENSION_ID = 'ragfirst';

/** Human readable name used for the client and the output channel. */
export const DISPLAY_NAME = 'ragfirst';

/** Where users are sent when the server cannot be found. */
export const INSTALL_DOCS_URL = 'https://github.com/ragfirst/ragfirst#installation';

/** Python package / module that provides the language server. */
export const PYTHON_PACKAGE = 'ragfirst';

/** Executable name looked up on PATH as a last resort. */
export const SERVER_EXECUTABLE = 'ragfirst';

/** Sub command that starts the language server over stdio. */
export const SERVER_SUBCOMMAND = 'server';

/** Diagnostics published by the server carry this `source`. */
export const DIAGNOSTIC_SOURCE = 'ragfirst';

/** Commands contributed by the extension (see package.json `contributes.commands`). */
export const Commands = {
  restartServer: 'ragfirst.restartServer',
  showOutput: 'ragfirst.showOutput',
  explainRule: 'ragfirst.explainRule',
  lintWorkspace: 'ragfirst.lintWorkspace',
} as const;

/** workspace/executeCommand commands implemented by the server. */
export const ServerCommands = {
  explainRule: 'ragfirst.explainRule',
  lintWorkspace: 'ragfirst.lintWorkspace',
} as const;
