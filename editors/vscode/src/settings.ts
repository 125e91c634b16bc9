// Parsing and validation of the `ragfirst.*` settings.
//
// Pure module: it must not import `vscode`. The extension passes a `get`
// function that reads one key of the `ragfirst` configuration section, so
// everything here can be unit-tested with plain objects.

import { SERVER_SUBCOMMAND } from './constants';

export type Severity = 'error' | 'warning' | 'info' | 'hint' | 'off';
export const SEVERITIES: readonly Severity[] = ['error', 'warning', 'info', 'hint', 'off'];

export type TraceSetting = 'off' | 'messages' | 'verbose';
export const TRACE_VALUES: readonly TraceSetting[] = ['off', 'messages', 'verbose'];

/** Every setting key of the extension, relative to the `ragfirst` section. */
export const SettingKeys = {
  enable: 'enable',
  path: 'path',
  interpreter: 'interpreter',
  args: 'args',
  traceServer: 'trace.server',
  inlayHintsEnable: 'inlayHints.enable',
  severityOverrides: 'severityOverrides',
} as const;

export interface RagfirstSettings {
  enable: boolean;
  /** Explicit server executable (`ragfirst.path`), trimmed; undefined when unset. */
  path: string | undefined;
  /** Explicit Python interpreter (`ragfirst.interpreter`), trimmed; undefined when unset. */
  interpreter: string | undefined;
  /** Extra arguments appended after `server`. */
  args: string[];
  trace: TraceSetting;
  inlayHints: boolean;
  /** Normalised: upper-case rule ids, canonical severities. */
  severityOverrides: Record<string, Severity>;
}

/** What the server receives as initializationOptions and didChangeConfiguration settings. */
export interface ServerSettings {
  inlayHints: boolean;
  severityOverrides: Record<string, Severity>;
}

export interface ParsedSettings {
  settings: RagfirstSettings;
  /** Human readable problems found while parsing; logged to the output channel. */
  problems: string[];
}

export type SettingsGetter = (key: string) => unknown;

export const DEFAULT_SETTINGS: Readonly<RagfirstSettings> = Object.freeze({
  enable: true,
  path: undefined,
  interpreter: undefined,
  args: [],
  trace: 'off',
  inlayHints: true,
  severityOverrides: {},
});

/** Rule ids look like RF101: letters followed by digits. */
const RULE_ID_PATTERN = /^[A-Z]{2,}[0-9]{2,}$/;

const SEVERITY_ALIASES: Record<string, Severity> = {
  error: 'error',
  err: 'error',
  warning: 'warning',
  warn: 'warning',
  info: 'info',
  information: 'info',
  hint: 'hint',
  off: 'off',
  none: 'off',
  ignore: 'off',
  disable: 'off',
  disabled: 'off',
};

/** Upper-cases and trims a rule id; returns undefined when it does not look like one. */
export function normalizeRuleId(raw: unknown): string | undefined {
  if (typeof raw !== 'string') {
    return undefined;
  }
  const id = raw.trim().toUpperCase();
  return RULE_ID_PATTERN.test(id) ? id : undefined;
}

/** Maps a user supplied severity (case-insensitive, a few aliases) to a canonical one. */
export function normalizeSeverity(raw: unknown): Severity | undefined {
  if (typeof raw !== 'string') {
    return undefined;
  }
  return SEVERITY_ALIASES[raw.trim().toLowerCase()];
}

export function parseSeverityOverrides(raw: unknown): {
  overrides: Record<string, Severity>;
  problems: string[];
} {
  const overrides: Record<string, Severity> = {};
  const problems: string[] = [];
  if (raw === undefined || raw === null) {
    return { overrides, problems };
  }
  if (typeof raw !== 'object' || Array.isArray(raw)) {
    problems.push(
      `ragfirst.severityOverrides must be an object like {"RF101": "warning"}; ignoring ${JSON.stringify(raw)}.`,
    );
    return { overrides, problems };
  }
  for (const [key, value] of Object.entries(raw as Record<string, unknown>)) {
    const rule = normalizeRuleId(key);
    if (rule === undefined) {
      problems.push(`ragfirst.severityOverrides: "${key}" is not a rule id (expected something like "RF101"); ignored.`);
      continue;
    }
    const severity = normalizeSeverity(value);
    if (severity === undefined) {
      problems.push(
        `ragfirst.severityOverrides: ${JSON.stringify(value)} for ${rule} is not one of ${SEVERITIES.join(', ')}; ignored.`,
      );
      continue;
    }
    if (rule in overrides && overrides[rule] !== severity) {
      problems.push(`ragfirst.severityOverrides: ${rule} is set more than once; using "${severity}".`);
    }
    overrides[rule] = severity;
  }
  return { overrides, problems };
}

/**
 * Splits a command line string into arguments. Supports single and double
 * quotes and backslash escapes inside double quotes; used when `ragfirst.args`
 * was given as a string instead of an array.
 */
export function splitArgs(line: string): string[] {
  const args: string[] = [];
  let current = '';
  let inToken = false;
  let quote: '"' | "'" | undefined;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (quote !== undefined) {
      if (ch === quote) {
        quote = undefined;
      } else if (ch === '\\' && quote === '"' && i + 1 < line.length && (line[i + 1] === '"' || line[i + 1] === '\\')) {
        current += line[++i];
      } else {
        current += ch;
      }
      continue;
    }
    if (ch === '"' || ch === "'") {
      quote = ch;
      inToken = true;
    } else if (/\s/.test(ch)) {
      if (inToken) {
        args.push(current);
        current = '';
        inToken = false;
      }
    } else {
      current += ch;
      inToken = true;
    }
  }
  if (inToken) {
    args.push(current);
  }
  return args;
}

export function parseArgs(raw: unknown): { args: string[]; problems: string[] } {
  const problems: string[] = [];
  let args: string[];
  if (raw === undefined || raw === null) {
    args = [];
  } else if (typeof raw === 'string') {
    args = splitArgs(raw);
    if (args.length > 0) {
      problems.push('ragfirst.args should be an array of strings; splitting the string on whitespace.');
    }
  } else if (Array.isArray(raw)) {
    args = [];
    for (const item of raw) {
      if (typeof item === 'string') {
        args.push(item);
      } else if (typeof item === 'number' || typeof item === 'boolean') {
        args.push(String(item));
      } else {
        problems.push(`ragfirst.args: ignoring non-string entry ${JSON.stringify(item)}.`);
      }
    }
  } else {
    problems.push(`ragfirst.args must be an array of strings; ignoring ${JSON.stringify(raw)}.`);
    args = [];
  }
  // The extension always passes `server` itself.
  if (args[0] === SERVER_SUBCOMMAND) {
    args = args.slice(1);
    problems.push(`ragfirst.args: the "${SERVER_SUBCOMMAND}" sub command is added automatically; dropped it from the args.`);
  }
  return { args, problems };
}

function parseOptionalString(raw: unknown, key: string, problems: string[]): string | undefined {
  if (raw === undefined || raw === null) {
    return undefined;
  }
  if (Array.isArray(raw) && raw.length <= 1 && raw.every((x) => typeof x === 'string')) {
    // Accept ["path"] like some other Python tool extensions use.
    return parseOptionalString(raw[0], key, problems);
  }
  if (typeof raw !== 'string') {
    problems.push(`ragfirst.${key} must be a string; ignoring ${JSON.stringify(raw)}.`);
    return undefined;
  }
  const value = raw.trim();
  return value === '' ? undefined : value;
}

function parseBoolean(raw: unknown, key: string, fallback: boolean, problems: string[]): boolean {
  if (raw === undefined || raw === null) {
    return fallback;
  }
  if (typeof raw === 'boolean') {
    return raw;
  }
  if (raw === 'true' || raw === 'false') {
    return raw === 'true';
  }
  problems.push(`ragfirst.${key} must be true or false; using ${String(fallback)}.`);
  return fallback;
}

export function parseTrace(raw: unknown, problems: string[] = []): TraceSetting {
  if (raw === undefined || raw === null) {
    return 'off';
  }
  if (typeof raw === 'string' && (TRACE_VALUES as readonly string[]).includes(raw)) {
    return raw as TraceSetting;
  }
  problems.push(`ragfirst.trace.server must be one of ${TRACE_VALUES.join(', ')}; using "off".`);
  return 'off';
}

/** Reads and validates every `ragfirst.*` setting. Never throws. */
export function readSettings(get: SettingsGetter): ParsedSettings {
  const problems: string[] = [];
  const severity = parseSeverityOverrides(get(SettingKeys.severityOverrides));
  const args = parseArgs(get(SettingKeys.args));
  problems.push(...severity.problems, ...args.problems);
  const settings: RagfirstSettings = {
    enable: parseBoolean(get(SettingKeys.enable), SettingKeys.enable, DEFAULT_SETTINGS.enable, problems),
    path: parseOptionalString(get(SettingKeys.path), SettingKeys.path, problems),
    interpreter: parseOptionalString(get(SettingKeys.interpreter), SettingKeys.interpreter, problems),
    args: args.args,
    trace: parseTrace(get(SettingKeys.traceServer), problems),
    inlayHints: parseBoolean(
      get(SettingKeys.inlayHintsEnable),
      SettingKeys.inlayHintsEnable,
      DEFAULT_SETTINGS.inlayHints,
      problems,
    ),
    severityOverrides: severity.overrides,
  };
  return { settings, problems };
}

/** The settings payload understood by the server (initializationOptions and didChangeConfiguration). */
export function toServerSettings(settings: RagfirstSettings): ServerSettings {
  return {
    inlayHints: settings.inlayHints,
    severityOverrides: { ...settings.severityOverrides },
  };
}

export type ConfigChangeAction = 'none' | 'notify' | 'restart';

/**
 * Decides what to do after a configuration change. `affects(key)` answers
 * whether `ragfirst.<key>` changed (VS Code's `event.affectsConfiguration`).
 * - discovery / process settings need a server restart;
 * - inlay hints and severity overrides are pushed with didChangeConfiguration;
 * - the trace level is handled by the language client itself.
 */
export function configChangeAction(affects: (key: string) => boolean): ConfigChangeAction {
  const restartKeys = [SettingKeys.enable, SettingKeys.path, SettingKeys.interpreter, SettingKeys.args];
  if (restartKeys.some((key) => affects(key))) {
    return 'restart';
  }
  if (affects(SettingKeys.inlayHintsEnable) || affects(SettingKeys.severityOverrides)) {
    return 'notify';
  }
  return 'none';
}
