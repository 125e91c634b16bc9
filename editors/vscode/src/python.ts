// Optional integration with the Python extension (ms-python.python).
//
// The extension is not a dependency: every access is defensive, typed with a
// minimal local copy of the parts of its API that are used
// (see the @vscode/python-extension package for the full API).

import * as vscode from 'vscode';

export const PYTHON_EXTENSION_ID = 'ms-python.python';

interface EnvironmentPath {
  readonly id: string;
  readonly path: string;
}

interface ResolvedEnvironmentLike {
  readonly executable?: { readonly uri?: vscode.Uri };
}

interface PythonExtensionApiLike {
  ready?: Promise<void>;
  environments?: {
    getActiveEnvironmentPath?(resource?: vscode.Uri): EnvironmentPath | undefined;
    resolveEnvironment?(environment: EnvironmentPath | string): Promise<ResolvedEnvironmentLike | undefined>;
    onDidChangeActiveEnvironmentPath?: vscode.Event<unknown>;
  };
  settings?: {
    getExecutionDetails?(resource?: vscode.Uri): { execCommand?: string[] } | undefined;
  };
}

function withTimeout<T>(promise: Thenable<T>, ms: number): Promise<T | undefined> {
  return new Promise<T | undefined>((resolve) => {
    const timer = setTimeout(() => resolve(undefined), ms);
    Promise.resolve(promise).then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      () => {
        clearTimeout(timer);
        resolve(undefined);
      },
    );
  });
}

export function isPythonExtensionInstalled(): boolean {
  return vscode.extensions.getExtension(PYTHON_EXTENSION_ID) !== undefined;
}

async function getApi(log: vscode.LogOutputChannel): Promise<PythonExtensionApiLike | undefined> {
  const extension = vscode.extensions.getExtension<unknown>(PYTHON_EXTENSION_ID);
  if (extension === undefined) {
    return undefined;
  }
  try {
    const exports = extension.isActive ? extension.exports : await withTimeout(extension.activate(), 30000);
    if (typeof exports !== 'object' || exports === null) {
      return undefined;
    }
    const api = exports as PythonExtensionApiLike;
    if (api.ready !== undefined) {
      await withTimeout(api.ready, 30000);
    }
    return api;
  } catch (error) {
    log.warn(`Could not use the Python extension API: ${String(error)}`);
    return undefined;
  }
}

/**
 * The interpreter the Python extension uses for `resource`, or undefined when
 * the extension is missing, not ready, or reports nothing usable.
 */
export async function getPythonExtensionInterpreter(
  resource: vscode.Uri | undefined,
  log: vscode.LogOutputChannel,
): Promise<string | undefined> {
  const api = await getApi(log);
  if (api === undefined) {
    return undefined;
  }
  try {
    const environments = api.environments;
    const active = environments?.getActiveEnvironmentPath?.(resource);
    if (active !== undefined && environments?.resolveEnvironment !== undefined) {
      const resolved = await withTimeout(environments.resolveEnvironment(active), 30000);
      const executable = resolved?.executable?.uri?.fsPath;
      if (executable !== undefined && executable !== '') {
        return executable;
      }
    }
    // Older API: a command line such as ["/usr/bin/python3"].
    const execCommand = api.settings?.getExecutionDetails?.(resource)?.execCommand;
    if (Array.isArray(execCommand) && execCommand.length === 1 && typeof execCommand[0] === 'string') {
      return execCommand[0];
    }
    if (active !== undefined && typeof active.path === 'string' && active.path !== '') {
      return active.path;
    }
  } catch (error) {
    log.warn(`The Python extension did not report an interpreter: ${String(error)}`);
  }
  return undefined;
}

/** Subscribes to interpreter changes in the Python extension, if it is installed. */
export async function onDidChangePythonInterpreter(
  listener: () => void,
  log: vscode.LogOutputChannel,
): Promise<vscode.Disposable | undefined> {
  const api = await getApi(log);
  const event = api?.environments?.onDidChangeActiveEnvironmentPath;
  if (typeof event !== 'function') {
    return undefined;
  }
  try {
    return event(() => listener());
  } catch (error) {
    log.warn(`Could not watch the Python interpreter: ${String(error)}`);
    return undefined;
  }
}
