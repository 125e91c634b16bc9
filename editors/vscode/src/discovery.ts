// Finding the ragfirst language server.
//
// Pure module: it must not import `vscode`. File system checks, PATH, the
// platform and the Python probe are injected through `DiscoveryHost`, so the
// search order can be unit-tested without VS Code or a real Python.
//
// Order:
//   1. `ragfirst.path`         -> <path> server [args]
//   2. `ragfirst.interpreter`  -> <python> -m ragfirst server [args]
//   3. the Python extension's active interpreter, if ragfirst is importable there
//   4. `ragfirst` on PATH      -> ragfirst server [args]
// Explicit settings (1, 2) never fall through silently: a wrong value is an error.

import * as nodePath from 'node:path';
import { PYTHON_PACKAGE, SERVER_EXECUTABLE, SERVER_SUBCOMMAND } from './constants';

/** Result of asking an interpreter whether `import ragfirst` would work. */
export type PythonProbe = 'ok' | 'missing-module' | 'not-runnable';

export interface DiscoveryHost {
  /** `process.platform` (only 'win32' is treated specially). */
  platform: string;
  /** Environment used for PATH / PATHEXT / variable expansion. */
  env: Readonly<Record<string, string | undefined>>;
  /** Home directory for `~` and `${userHome}`. */
  homeDir?: string;
  /** First workspace folder; relative paths and `${workspaceFolder}` resolve against it. */
  workspaceFolder?: string;
  /** True when `path` is an existing file that can be executed. */
  isExecutableFile(path: string): Promise<boolean>;
  /** Runs `<python> -c "import importlib.util; ..."` to see whether ragfirst is importable. */
  probePython(python: string): Promise<PythonProbe>;
}

export interface DiscoveryInput {
  /** `ragfirst.path` (already trimmed; undefined when unset). */
  path?: string;
  /** `ragfirst.interpreter` (already trimmed; undefined when unset). */
  interpreter?: string;
  /** Interpreter reported by the Python extension, if that extension is installed. */
  pythonExtensionInterpreter?: string;
  /** `ragfirst.args`, appended after `server`. */
  args: readonly string[];
}

export type ServerSource = 'path-setting' | 'interpreter-setting' | 'python-extension' | 'PATH';

export interface ServerLaunch {
  command: string;
  args: string[];
  source: ServerSource;
  /** Needed on Windows for .cmd/.bat shims, which Node refuses to spawn without a shell. */
  shell: boolean;
  /** One line for the output channel, e.g. "/venv/bin/python -m ragfirst server (ragfirst.interpreter)". */
  description: string;
}

export type DiscoveryResult =
  | { ok: true; launch: ServerLaunch; notes: string[] }
  | {
      ok: false;
      /** Short message for the error notification. */
      message: string;
      /** Everything that was tried, for the output channel. */
      reasons: string[];
      /** True when an explicit setting (`ragfirst.path` / `ragfirst.interpreter`) is wrong. */
      settingError: boolean;
    };

const SOURCE_LABEL: Record<ServerSource, string> = {
  'path-setting': 'ragfirst.path',
  'interpreter-setting': 'ragfirst.interpreter',
  'python-extension': 'Python extension interpreter',
  PATH: 'PATH',
};

function isWindows(platform: string): boolean {
  return platform === 'win32';
}

function pathApi(platform: string): typeof nodePath.posix {
  return isWindows(platform) ? nodePath.win32 : nodePath.posix;
}

/** Case-insensitive lookup on Windows (`Path` vs `PATH`), exact elsewhere. */
export function getEnv(env: DiscoveryHost['env'], name: string, platform: string): string | undefined {
  if (!isWindows(platform)) {
    return env[name];
  }
  const key = Object.keys(env).find((k) => k.toUpperCase() === name.toUpperCase());
  return key === undefined ? undefined : env[key];
}

/**
 * Expands `~`, `${userHome}`, `${workspaceFolder}` and `${env:NAME}` and makes
 * relative paths absolute against the workspace folder. Bare command names
 * (no path separator) are returned unchanged so they can be looked up on PATH.
 */
export function expandPath(raw: string, host: Pick<DiscoveryHost, 'platform' | 'env' | 'homeDir' | 'workspaceFolder'>): string {
  const p = pathApi(host.platform);
  let value = raw.trim();
  value = value.replace(/\$\{env:([^}]+)\}/g, (_m, name: string) => getEnv(host.env, name, host.platform) ?? '');
  if (host.homeDir !== undefined) {
    value = value.replace(/\$\{userHome\}/g, host.homeDir);
    if (value === '~' || value.startsWith('~/') || (isWindows(host.platform) && value.startsWith('~\\'))) {
      value = host.homeDir + value.slice(1);
    }
  }
  if (host.workspaceFolder !== undefined) {
    value = value.replace(/\$\{workspaceFolder\}/g, host.workspaceFolder);
  }
  if (!looksLikePath(value, host.platform)) {
    return value;
  }
  if (!p.isAbsolute(value) && host.workspaceFolder !== undefined) {
    value = p.resolve(host.workspaceFolder, value);
  }
  return p.normalize(value);
}

/** True when the value contains a path separator (so it is not a bare command name). */
export function looksLikePath(value: string, platform: string): boolean {
  return value.includes('/') || (isWindows(platform) && value.includes('\\'));
}

/**
 * Looks `name` up on PATH like a shell would (PATHEXT on Windows).
 * Returns the first executable match.
 */
export async function which(
  name: string,
  host: Pick<DiscoveryHost, 'platform' | 'env' | 'isExecutableFile'>,
): Promise<string | undefined> {
  const p = pathApi(host.platform);
  const win = isWindows(host.platform);
  const pathVar = getEnv(host.env, 'PATH', host.platform) ?? '';
  const dirs = pathVar
    .split(win ? ';' : ':')
    .map((d) => d.trim().replace(/^"(.*)"$/, '$1'))
    .filter((d) => d !== '');
  let candidates = [name];
  if (win) {
    const exts = (getEnv(host.env, 'PATHEXT', host.platform) ?? '.COM;.EXE;.BAT;.CMD')
      .split(';')
      .map((e) => e.trim())
      .filter((e) => e !== '');
    const hasExt = exts.some((e) => name.toLowerCase().endsWith(e.toLowerCase()));
    candidates = hasExt ? [name] : exts.map((e) => name + e.toLowerCase());
  }
  for (const dir of dirs) {
    for (const candidate of candidates) {
      const full = p.join(dir, candidate);
      if (await host.isExecutableFile(full)) {
        return full;
      }
    }
  }
  return undefined;
}

/** Resolves a path-or-command-name setting to an executable file, or undefined. */
async function resolveExecutable(raw: string, host: DiscoveryHost): Promise<string | undefined> {
  const expanded = expandPath(raw, host);
  if (!looksLikePath(expanded, host.platform)) {
    // A bare name such as "ragfirst-dev" or "python3.12": search PATH.
    return which(expanded, host);
  }
  if (await host.isExecutableFile(expanded)) {
    return expanded;
  }
  if (isWindows(host.platform) && !/\.[a-z0-9]+$/i.test(expanded) && (await host.isExecutableFile(expanded + '.exe'))) {
    return expanded + '.exe';
  }
  return undefined;
}

/**
 * Accepts an interpreter file, or a virtual environment directory (resolved to
 * its bin/python or Scripts\python.exe).
 */
async function resolveInterpreter(raw: string, host: DiscoveryHost): Promise<string | undefined> {
  const direct = await resolveExecutable(raw, host);
  if (direct !== undefined) {
    return direct;
  }
  const p = pathApi(host.platform);
  let base = expandPath(raw, host);
  if (!looksLikePath(base, host.platform)) {
    // A bare name that is not on PATH, e.g. ".venv": try it relative to the workspace.
    if (host.workspaceFolder === undefined) {
      return undefined;
    }
    base = p.resolve(host.workspaceFolder, base);
    if (await host.isExecutableFile(base)) {
      return base;
    }
  }
  const venvCandidates = isWindows(host.platform)
    ? [p.join(base, 'Scripts', 'python.exe'), p.join(base, 'python.exe')]
    : [p.join(base, 'bin', 'python'), p.join(base, 'bin', 'python3')];
  for (const candidate of venvCandidates) {
    if (await host.isExecutableFile(candidate)) {
      return candidate;
    }
  }
  return undefined;
}

/** Windows cannot spawn .cmd/.bat files without a shell (Node >= 18.20.2 / 20.12.2). */
export function needsShell(command: string, platform: string): boolean {
  return isWindows(platform) && /\.(cmd|bat)$/i.test(command);
}

/** Quotes an argument for cmd.exe when it has to go through a shell. */
export function quoteForShell(arg: string): string {
  if (arg !== '' && !/[\s"&|<>^()%!]/.test(arg)) {
    return arg;
  }
  return '"' + arg.replace(/"/g, '""') + '"';
}

function makeLaunch(command: string, args: string[], source: ServerSource, platform: string): ServerLaunch {
  const shell = needsShell(command, platform);
  const description = `${[command, ...args].join(' ')} (${SOURCE_LABEL[source]})`;
  if (shell) {
    return { command: quoteForShell(command), args: args.map(quoteForShell), source, shell, description };
  }
  return { command, args, source, shell, description };
}

/** Arguments for `<python> -m ragfirst server [args]`. */
export function pythonServerArgs(args: readonly string[]): string[] {
  return ['-m', PYTHON_PACKAGE, SERVER_SUBCOMMAND, ...args];
}

/** Arguments for `ragfirst server [args]`. */
export function executableServerArgs(args: readonly string[]): string[] {
  return [SERVER_SUBCOMMAND, ...args];
}

export function installHint(python?: string): string {
  return python === undefined
    ? `pip install ${PYTHON_PACKAGE}`
    : `${python.includes(' ') ? `"${python}"` : python} -m pip install ${PYTHON_PACKAGE}`;
}

export async function discoverServer(input: DiscoveryInput, host: DiscoveryHost): Promise<DiscoveryResult> {
  const reasons: string[] = [];
  const notes: string[] = [];

  // 1. Explicit executable.
  if (input.path !== undefined && input.path !== '') {
    const exe = await resolveExecutable(input.path, host);
    if (exe === undefined) {
      const message = `ragfirst.path is set to "${input.path}", but no executable was found there.`;
      return { ok: false, message, reasons: [message], settingError: true };
    }
    return { ok: true, launch: makeLaunch(exe, executableServerArgs(input.args), 'path-setting', host.platform), notes };
  }

  // 2. Explicit interpreter.
  if (input.interpreter !== undefined && input.interpreter !== '') {
    const python = await resolveInterpreter(input.interpreter, host);
    if (python === undefined) {
      const message = `ragfirst.interpreter is set to "${input.interpreter}", but no Python interpreter was found there.`;
      return { ok: false, message, reasons: [message], settingError: true };
    }
    const probe = await host.probePython(python);
    if (probe === 'not-runnable') {
      const message = `ragfirst.interpreter "${python}" could not be run.`;
      return { ok: false, message, reasons: [message], settingError: true };
    }
    if (probe === 'missing-module') {
      const message = `The ${PYTHON_PACKAGE} package is not installed in ragfirst.interpreter "${python}". Install it with: ${installHint(python)}`;
      return { ok: false, message, reasons: [message], settingError: true };
    }
    return {
      ok: true,
      launch: makeLaunch(python, pythonServerArgs(input.args), 'interpreter-setting', host.platform),
      notes,
    };
  }

  // 3. The Python extension's interpreter (only when ragfirst is importable there).
  if (input.pythonExtensionInterpreter !== undefined && input.pythonExtensionInterpreter !== '') {
    const python = await resolveInterpreter(input.pythonExtensionInterpreter, host);
    if (python === undefined) {
      reasons.push(`The Python extension's interpreter "${input.pythonExtensionInterpreter}" was not found.`);
    } else {
      const probe = await host.probePython(python);
      if (probe === 'ok') {
        return {
          ok: true,
          launch: makeLaunch(python, pythonServerArgs(input.args), 'python-extension', host.platform),
          notes,
        };
      }
      reasons.push(
        probe === 'missing-module'
          ? `The ${PYTHON_PACKAGE} package is not installed in the selected interpreter "${python}" (install with: ${installHint(python)}).`
          : `The selected interpreter "${python}" could not be run.`,
      );
    }
  } else {
    reasons.push('No Python interpreter is selected (ragfirst.interpreter is unset and the Python extension reported none).');
  }

  // 4. PATH.
  const onPath = await which(SERVER_EXECUTABLE, host);
  if (onPath !== undefined) {
    notes.push(...reasons);
    return { ok: true, launch: makeLaunch(onPath, executableServerArgs(input.args), 'PATH', host.platform), notes };
  }
  reasons.push(`No "${SERVER_EXECUTABLE}" executable was found on PATH.`);

  return {
    ok: false,
    message: `Could not find the ragfirst language server. Install it with "${installHint()}" (into the environment VS Code uses), or set ragfirst.path or ragfirst.interpreter.`,
    reasons,
    settingError: false,
  };
}
