// Owns the LanguageClient: discovery, start/stop/restart, status bar, settings push.

import * as os from 'node:os';
import * as vscode from 'vscode';
import {
  DidChangeConfigurationNotification,
  ExecuteCommandRequest,
  type Executable,
  LanguageClient,
  type LanguageClientOptions,
  ResponseError,
  RevealOutputChannelOn,
} from 'vscode-languageclient/node';
import { Commands, DISPLAY_NAME, EXTENSION_ID, INSTALL_DOCS_URL, ServerCommands } from './constants';
import { type DiscoveryHost, type DiscoveryResult, discoverServer } from './discovery';
import { isExecutableFile, probePython } from './nodeHost';
import { getPythonExtensionInterpreter, isPythonExtensionInstalled } from './python';
import { filterServerCommands } from './rules';
import { buildDocumentSelector } from './selector';
import { type ParsedSettings, readSettings, type ServerSettings, toServerSettings } from './settings';
import { presentStatus, type ServerStatus, statusFromClientState } from './status';

const OPEN_INSTALL_DOCS = 'Open install docs';
const SHOW_OUTPUT = 'Show output';
const OPEN_SETTINGS = 'Open settings';
const SELECT_INTERPRETER = 'Select Python interpreter';
const RESTART = 'Restart server';

/** Commands that the extension registers itself; the client must not register them again. */
const EXTENSION_OWNED_SERVER_COMMANDS: readonly string[] = [ServerCommands.explainRule, ServerCommands.lintWorkspace];

export function readCurrentSettings(): ParsedSettings {
  const config = vscode.workspace.getConfiguration(EXTENSION_ID);
  return readSettings((key) => config.get(key));
}

export class ServerManager implements vscode.Disposable {
  private client: LanguageClient | undefined;
  private clientSubscriptions: vscode.Disposable[] = [];
  private queue: Promise<void> = Promise.resolve();
  private stopRequested = false;
  private status: ServerStatus = 'stopped';
  private statusDetail = '';
  private readonly statusItem: vscode.StatusBarItem;
  private traceHintShown = false;
  private lastSource: string | undefined;

  constructor(
    private readonly output: vscode.LogOutputChannel,
    private readonly traceOutput: vscode.LogOutputChannel,
  ) {
    this.statusItem = vscode.window.createStatusBarItem('ragfirst.status', vscode.StatusBarAlignment.Right, 100);
    this.statusItem.name = 'ragfirst';
    this.statusItem.command = Commands.showOutput;
    this.setStatus('stopped', 'Not started yet.');
    this.statusItem.show();
  }

  /** Where the running server came from ('path-setting', 'python-extension', ...), if any. */
  get serverSource(): string | undefined {
    return this.lastSource;
  }

  get currentStatus(): ServerStatus {
    return this.status;
  }

  start(): Promise<void> {
    return this.enqueue(() => this.doStart());
  }

  stop(): Promise<void> {
    return this.enqueue(() => this.doStop());
  }

  restart(): Promise<void> {
    return this.enqueue(async () => {
      await this.doStop();
      await this.doStart();
    });
  }

  /** Sends the current inlay hint / severity settings to a running server. */
  async pushSettings(): Promise<void> {
    const client = this.client;
    if (client === undefined || !client.isRunning()) {
      return;
    }
    const settings = this.serverSettings();
    try {
      await client.sendNotification(DidChangeConfigurationNotification.type, { settings: { ragfirst: settings } });
      this.output.info(`Sent settings to the server: ${JSON.stringify(settings)}`);
    } catch (error) {
      this.output.error(`Could not send settings to the server: ${String(error)}`);
    }
  }

  /**
   * The running client, waiting for a pending start first. Shows a message and
   * returns undefined when the server is not running.
   */
  async getRunningClient(action: string): Promise<LanguageClient | undefined> {
    await this.queue;
    const client = this.client;
    if (client !== undefined && client.isRunning()) {
      return client;
    }
    const choice = await vscode.window.showWarningMessage(
      `ragfirst: cannot ${action} because the ragfirst server is not running.`,
      RESTART,
      SHOW_OUTPUT,
    );
    if (choice === RESTART) {
      void vscode.commands.executeCommand(Commands.restartServer);
    } else if (choice === SHOW_OUTPUT) {
      this.output.show(true);
    }
    return undefined;
  }

  async executeServerCommand(
    command: string,
    args: unknown[] | undefined,
    action: string,
    token?: vscode.CancellationToken,
  ): Promise<{ ok: true; result: unknown } | { ok: false }> {
    const client = await this.getRunningClient(action);
    if (client === undefined) {
      return { ok: false };
    }
    try {
      const result: unknown = await client.sendRequest(ExecuteCommandRequest.type, { command, arguments: args }, token);
      return { ok: true, result };
    } catch (error) {
      if (token?.isCancellationRequested) {
        return { ok: false };
      }
      const message = error instanceof ResponseError || error instanceof Error ? error.message : String(error);
      this.output.error(`${command} failed: ${message}`);
      void this.showError(`ragfirst: could not ${action}: ${message}`, [SHOW_OUTPUT]);
      return { ok: false };
    }
  }

  dispose(): void {
    this.statusItem.dispose();
    void this.stop();
  }

  private enqueue(operation: () => Promise<void>): Promise<void> {
    const next = this.queue.then(operation, operation).catch((error: unknown) => {
      this.output.error(`Unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      this.setStatus('error', 'Unexpected error, see the output.');
    });
    this.queue = next;
    return next;
  }

  private serverSettings(): ServerSettings {
    return toServerSettings(readCurrentSettings().settings);
  }

  private setStatus(status: ServerStatus, detail?: string): void {
    this.status = status;
    if (detail !== undefined) {
      this.statusDetail = detail;
    }
    const presentation = presentStatus(status, this.statusDetail);
    this.statusItem.text = presentation.text;
    this.statusItem.tooltip = presentation.tooltip;
    this.statusItem.backgroundColor = presentation.isError
      ? new vscode.ThemeColor('statusBarItem.errorBackground')
      : undefined;
  }

  private discoveryHost(cwd: string | undefined): DiscoveryHost {
    return {
      platform: process.platform,
      env: process.env,
      homeDir: os.homedir(),
      workspaceFolder: cwd,
      isExecutableFile: (path) => isExecutableFile(path),
      probePython: (python) => probePython(python, { cwd }),
    };
  }

  private async doStart(): Promise<void> {
    if (this.client !== undefined) {
      return;
    }
    const { settings, problems } = readCurrentSettings();
    for (const problem of problems) {
      this.output.warn(problem);
    }
    if (!settings.enable) {
      this.output.info('ragfirst is disabled (ragfirst.enable is false); the server is not started.');
      this.setStatus('stopped', 'Disabled by the ragfirst.enable setting.');
      return;
    }
    if (!vscode.workspace.isTrusted) {
      this.output.info(
        'The workspace is not trusted: ragfirst.path, ragfirst.interpreter and ragfirst.args from workspace settings are ignored.',
      );
    }

    this.setStatus('starting', 'Looking for the ragfirst server...');
    const folder = vscode.workspace.workspaceFolders?.[0];
    const cwd = folder?.uri.scheme === 'file' ? folder.uri.fsPath : undefined;
    const explicit = settings.path !== undefined || settings.interpreter !== undefined;
    const pythonExtensionInterpreter = explicit
      ? undefined
      : await getPythonExtensionInterpreter(folder?.uri, this.output);

    const discovery: DiscoveryResult = await discoverServer(
      { path: settings.path, interpreter: settings.interpreter, pythonExtensionInterpreter, args: settings.args },
      this.discoveryHost(cwd),
    );
    if (!discovery.ok) {
      for (const reason of discovery.reasons) {
        this.output.error(reason);
      }
      this.lastSource = undefined;
      this.setStatus('error', discovery.message);
      void this.showNotFound(discovery);
      return;
    }
    for (const note of discovery.notes) {
      this.output.info(note);
    }
    const launch = discovery.launch;
    this.lastSource = launch.source;
    this.output.info(`Starting the server: ${launch.description}${cwd === undefined ? '' : ` in ${cwd}`}`);

    const serverOptions: Executable = {
      command: launch.command,
      args: launch.args,
      // PYTHONSAFEPATH: `python -m ragfirst` must never import a `ragfirst/` package (or
      // anything else) from the workspace folder it runs in: that folder is untrusted code.
      options: { cwd, env: { ...process.env, PYTHONSAFEPATH: '1' }, shell: launch.shell },
    };
    const client = new LanguageClient(EXTENSION_ID, DISPLAY_NAME, serverOptions, this.clientOptions());
    this.filterClientRegisteredCommands(client);
    this.stopRequested = false;
    this.client = client;
    this.clientSubscriptions.push(
      client.onDidChangeState((event) => {
        if (this.client !== client) {
          return;
        }
        const status = statusFromClientState(event.newState, this.stopRequested);
        const detail =
          status === 'running'
            ? launch.description
            : status === 'error'
              ? 'The server stopped unexpectedly, see the output.'
              : status === 'starting'
                ? `Starting ${launch.description}`
                : 'Stopped.';
        // vscode-languageclient already notifies the user when it gives up restarting a crashed server.
        this.setStatus(status, detail);
      }),
    );
    this.showTraceHint(settings.trace);

    try {
      await client.start();
      this.setStatus('running', launch.description);
      this.output.info('The ragfirst server is running.');
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      this.output.error(`Starting the server failed: ${message}`);
      this.setStatus('error', `Starting the server failed: ${message}`);
      await this.disposeClient();
      void this.showError(
        `ragfirst: could not start the server (${launch.description}): ${message}`,
        [SHOW_OUTPUT, OPEN_INSTALL_DOCS],
      );
    }
  }

  private async doStop(): Promise<void> {
    if (this.client === undefined) {
      return;
    }
    this.stopRequested = true;
    this.setStatus('stopped', 'Stopped.');
    await this.disposeClient();
    this.setStatus('stopped', 'Stopped.');
  }

  private async disposeClient(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    for (const subscription of this.clientSubscriptions) {
      subscription.dispose();
    }
    this.clientSubscriptions = [];
    if (client === undefined) {
      return;
    }
    try {
      // dispose() (not just stop()) also keeps the client from restarting itself later.
      await client.dispose(2000);
    } catch (error) {
      // Expected when the server never got running (start failed or it crashed).
      this.output.debug(`Disposing the language client: ${String(error)}`);
    }
  }

  private clientOptions(): LanguageClientOptions {
    return {
      documentSelector: buildDocumentSelector(),
      diagnosticCollectionName: EXTENSION_ID,
      outputChannel: this.output,
      traceOutputChannel: this.traceOutput,
      revealOutputChannelOn: RevealOutputChannelOn.Never,
      // Re-read on every (re)start so the server always gets current settings.
      initializationOptions: (): ServerSettings => this.serverSettings(),
      middleware: {
        workspace: {
          // Answer workspace/configuration for the "ragfirst" section with the
          // server's settings shape instead of the raw VS Code settings.
          configuration: async (params, token, next) => {
            const result = await next(params, token);
            if (!Array.isArray(result)) {
              return result;
            }
            return params.items.map((item, index): unknown =>
              item.section === EXTENSION_ID ? this.serverSettings() : result[index],
            );
          },
        },
      },
    };
  }

  /**
   * The server advertises ragfirst.explainRule / ragfirst.lintWorkspace as
   * executeCommand commands. vscode-languageclient would register a VS Code
   * command for each, which clashes with the extension's own commands of the
   * same id, so those are filtered out of the registration.
   */
  private filterClientRegisteredCommands(client: LanguageClient): void {
    const feature = client.getFeature(ExecuteCommandRequest.method);
    const register = feature.register.bind(feature);
    feature.register = (data) => {
      const commands = filterServerCommands(data.registerOptions.commands, EXTENSION_OWNED_SERVER_COMMANDS) ?? [];
      register({ ...data, registerOptions: { ...data.registerOptions, commands } });
    };
  }

  private showTraceHint(trace: string): void {
    if (trace === 'off' || this.traceHintShown || this.traceOutput.logLevel === vscode.LogLevel.Trace) {
      return;
    }
    this.traceHintShown = true;
    this.output.info(
      `ragfirst.trace.server is "${trace}". LSP messages are written to the "${this.traceOutput.name}" output ` +
        'when its log level is Trace: run "Developer: Set Log Level...", pick that channel and choose Trace.',
    );
  }

  private async showNotFound(result: Extract<DiscoveryResult, { ok: false }>): Promise<void> {
    const buttons = result.settingError ? [OPEN_SETTINGS, OPEN_INSTALL_DOCS, SHOW_OUTPUT] : [OPEN_INSTALL_DOCS, SHOW_OUTPUT];
    if (!result.settingError && isPythonExtensionInstalled()) {
      buttons.splice(1, 0, SELECT_INTERPRETER);
    }
    await this.showError(`ragfirst: ${result.message}`, buttons);
  }

  private async showError(message: string, buttons: string[]): Promise<void> {
    const choice = await vscode.window.showErrorMessage(message, ...buttons);
    switch (choice) {
      case OPEN_INSTALL_DOCS:
        await vscode.env.openExternal(vscode.Uri.parse(INSTALL_DOCS_URL));
        break;
      case SHOW_OUTPUT:
        this.output.show(true);
        break;
      case OPEN_SETTINGS:
        await vscode.commands.executeCommand('workbench.action.openSettings', `${EXTENSION_ID}.`);
        break;
      case SELECT_INTERPRETER:
        await vscode.commands.executeCommand('python.setInterpreter');
        break;
      case RESTART:
        await vscode.commands.executeCommand(Commands.restartServer);
        break;
      default:
        break;
    }
  }
}
