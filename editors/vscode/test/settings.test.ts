import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  configChangeAction,
  DEFAULT_SETTINGS,
  normalizeRuleId,
  normalizeSeverity,
  parseArgs,
  parseSeverityOverrides,
  parseTrace,
  readSettings,
  splitArgs,
  toServerSettings,
} from '../src/settings';

function getter(values: Record<string, unknown>) {
  return (key: string): unknown => values[key];
}

describe('readSettings', () => {
  it('returns the defaults when nothing is set', () => {
    const { settings, problems } = readSettings(getter({}));
    assert.deepEqual(settings, { ...DEFAULT_SETTINGS });
    assert.deepEqual(problems, []);
  });

  it('reads every setting', () => {
    const { settings, problems } = readSettings(
      getter({
        enable: false,
        path: '  /opt/ragfirst  ',
        interpreter: '/venv/bin/python',
        args: ['--log-level', 'debug'],
        'trace.server': 'verbose',
        'inlayHints.enable': false,
        severityOverrides: { rf101: 'Warning', RF202: 'off' },
      }),
    );
    assert.deepEqual(problems, []);
    assert.deepEqual(settings, {
      enable: false,
      path: '/opt/ragfirst',
      interpreter: '/venv/bin/python',
      args: ['--log-level', 'debug'],
      trace: 'verbose',
      inlayHints: false,
      severityOverrides: { RF101: 'warning', RF202: 'off' },
    });
  });

  it('treats blank paths as unset and accepts a one-element interpreter array', () => {
    const { settings } = readSettings(getter({ path: '   ', interpreter: ['/usr/bin/python3'] }));
    assert.equal(settings.path, undefined);
    assert.equal(settings.interpreter, '/usr/bin/python3');
  });

  it('falls back to defaults and reports problems for wrong types', () => {
    const { settings, problems } = readSettings(
      getter({ enable: 'yes', path: 42, 'trace.server': 'loud', 'inlayHints.enable': 1, args: { a: 1 } }),
    );
    assert.equal(settings.enable, true);
    assert.equal(settings.path, undefined);
    assert.equal(settings.trace, 'off');
    assert.equal(settings.inlayHints, true);
    assert.deepEqual(settings.args, []);
    assert.equal(problems.length, 5);
  });
});

describe('severity overrides', () => {
  it('normalises rule ids and severities', () => {
    const { overrides, problems } = parseSeverityOverrides({
      ' rf101 ': 'ERROR',
      RF102: 'warn',
      RF103: 'information',
      RF104: 'hint',
      RF105: 'none',
    });
    assert.deepEqual(overrides, { RF101: 'error', RF102: 'warning', RF103: 'info', RF104: 'hint', RF105: 'off' });
    assert.deepEqual(problems, []);
  });

  it('drops invalid rule ids and severities with a problem each', () => {
    const { overrides, problems } = parseSeverityOverrides({ RF101: 'fatal', 'not a rule': 'error', RF9: 'off', RF300: 3 });
    assert.deepEqual(overrides, {});
    assert.equal(problems.length, 4);
    assert.match(problems[0], /"fatal".*RF101/);
  });

  it('rejects non-objects', () => {
    for (const raw of [['RF101'], 'RF101=off', 7]) {
      const { overrides, problems } = parseSeverityOverrides(raw);
      assert.deepEqual(overrides, {});
      assert.equal(problems.length, 1);
    }
    assert.deepEqual(parseSeverityOverrides(null), { overrides: {}, problems: [] });
  });

  it('reports a rule given twice with different case', () => {
    const { overrides, problems } = parseSeverityOverrides({ rf101: 'error', RF101: 'off' });
    assert.deepEqual(overrides, { RF101: 'off' });
    assert.equal(problems.length, 1);
  });

  it('normalizeRuleId and normalizeSeverity', () => {
    assert.equal(normalizeRuleId('rf101'), 'RF101');
    assert.equal(normalizeRuleId('RF'), undefined);
    assert.equal(normalizeRuleId(101), undefined);
    assert.equal(normalizeSeverity(' Hint '), 'hint');
    assert.equal(normalizeSeverity('critical'), undefined);
  });
});

describe('args', () => {
  it('keeps string arrays and stringifies numbers and booleans', () => {
    assert.deepEqual(parseArgs(['--a', 1, true]), { args: ['--a', '1', 'true'], problems: [] });
  });

  it('drops other entries with a problem', () => {
    const { args, problems } = parseArgs(['--a', null, { x: 1 }]);
    assert.deepEqual(args, ['--a']);
    assert.equal(problems.length, 2);
  });

  it('splits a string with quotes', () => {
    const { args, problems } = parseArgs('--config "my file.toml" --name=\'a b\'');
    assert.deepEqual(args, ['--config', 'my file.toml', '--name=a b']);
    assert.equal(problems.length, 1);
  });

  it('drops a leading "server" sub command', () => {
    const { args, problems } = parseArgs(['server', '--x']);
    assert.deepEqual(args, ['--x']);
    assert.equal(problems.length, 1);
  });

  it('splitArgs handles escapes and empty quoted args', () => {
    assert.deepEqual(splitArgs('a  "b \\"c\\"" \'\' d'), ['a', 'b "c"', '', 'd']);
    assert.deepEqual(splitArgs('   '), []);
  });
});

describe('trace, server settings and change actions', () => {
  it('parseTrace accepts only off/messages/verbose', () => {
    assert.equal(parseTrace('messages'), 'messages');
    const problems: string[] = [];
    assert.equal(parseTrace('Verbose', problems), 'off');
    assert.equal(problems.length, 1);
  });

  it('toServerSettings produces the initializationOptions shape', () => {
    const { settings } = readSettings(getter({ 'inlayHints.enable': false, severityOverrides: { RF101: 'off' }, path: '/x' }));
    assert.deepEqual(toServerSettings(settings), { inlayHints: false, severityOverrides: { RF101: 'off' } });
  });

  it('configChangeAction restarts for discovery settings and notifies for server settings', () => {
    const only = (changed: string) => (key: string) => key === changed;
    assert.equal(configChangeAction(only('enable')), 'restart');
    assert.equal(configChangeAction(only('path')), 'restart');
    assert.equal(configChangeAction(only('interpreter')), 'restart');
    assert.equal(configChangeAction(only('args')), 'restart');
    assert.equal(configChangeAction(only('inlayHints.enable')), 'notify');
    assert.equal(configChangeAction(only('severityOverrides')), 'notify');
    assert.equal(configChangeAction(only('trace.server')), 'none');
    assert.equal(configChangeAction(() => false), 'none');
  });
});
