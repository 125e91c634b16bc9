import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  discoverServer,
  type DiscoveryResult,
  expandPath,
  looksLikePath,
  needsShell,
  pythonServerArgs,
  quoteForShell,
  which,
} from '../src/discovery';
import { fakeHost } from '../test-support/fakeHost';

function launched(result: DiscoveryResult) {
  assert.equal(result.ok, true, result.ok ? '' : result.message);
  if (!result.ok) {
    throw new Error('unreachable');
  }
  return result.launch;
}

function failed(result: DiscoveryResult) {
  assert.equal(result.ok, false);
  if (result.ok) {
    throw new Error('unreachable');
  }
  return result;
}

describe('discoverServer: order of precedence', () => {
  const everything = {
    files: ['/opt/ragfirst/bin/ragfirst', '/venv/bin/python', '/pyext/bin/python', '/usr/bin/ragfirst'],
    probes: { '/venv/bin/python': 'ok', '/pyext/bin/python': 'ok' } as const,
  };

  it('uses ragfirst.path first, as "<path> server [args]"', async () => {
    const host = fakeHost(everything);
    const launch = launched(
      await discoverServer(
        {
          path: '/opt/ragfirst/bin/ragfirst',
          interpreter: '/venv/bin/python',
          pythonExtensionInterpreter: '/pyext/bin/python',
          args: ['--log-level', 'debug'],
        },
        host,
      ),
    );
    assert.equal(launch.command, '/opt/ragfirst/bin/ragfirst');
    assert.deepEqual(launch.args, ['server', '--log-level', 'debug']);
    assert.equal(launch.source, 'path-setting');
    assert.equal(launch.shell, false);
    assert.deepEqual(host.probed, [], 'an explicit executable is not probed');
  });

  it('uses ragfirst.interpreter next, as "<python> -m ragfirst server [args]"', async () => {
    const host = fakeHost(everything);
    const launch = launched(
      await discoverServer(
        { interpreter: '/venv/bin/python', pythonExtensionInterpreter: '/pyext/bin/python', args: ['-v'] },
        host,
      ),
    );
    assert.equal(launch.command, '/venv/bin/python');
    assert.deepEqual(launch.args, ['-m', 'ragfirst', 'server', '-v']);
    assert.equal(launch.source, 'interpreter-setting');
    assert.deepEqual(host.probed, ['/venv/bin/python']);
  });

  it('uses the Python extension interpreter when ragfirst is importable there', async () => {
    const launch = launched(
      await discoverServer({ pythonExtensionInterpreter: '/pyext/bin/python', args: [] }, fakeHost(everything)),
    );
    assert.equal(launch.command, '/pyext/bin/python');
    assert.deepEqual(launch.args, ['-m', 'ragfirst', 'server']);
    assert.equal(launch.source, 'python-extension');
  });

  it('falls back to ragfirst on PATH when the Python extension interpreter lacks the package', async () => {
    const host = fakeHost({ ...everything, probes: { '/pyext/bin/python': 'missing-module' } });
    const result = await discoverServer({ pythonExtensionInterpreter: '/pyext/bin/python', args: [] }, host);
    const launch = launched(result);
    assert.equal(launch.command, '/usr/bin/ragfirst');
    assert.deepEqual(launch.args, ['server']);
    assert.equal(launch.source, 'PATH');
    assert.ok(result.ok && result.notes.some((n) => n.includes('not installed in the selected interpreter')));
  });

  it('uses ragfirst on PATH when nothing else is configured', async () => {
    const host = fakeHost({ files: ['/usr/bin/ragfirst'], env: { PATH: '/usr/local/bin:/usr/bin' } });
    const launch = launched(await discoverServer({ args: [] }, host));
    assert.equal(launch.command, '/usr/bin/ragfirst');
    assert.equal(launch.source, 'PATH');
    assert.deepEqual(host.checked, ['/usr/local/bin/ragfirst', '/usr/bin/ragfirst']);
  });

  it('treats empty-string settings as unset', async () => {
    const host = fakeHost({ files: ['/usr/bin/ragfirst'] });
    const launch = launched(await discoverServer({ path: '', interpreter: '', pythonExtensionInterpreter: '', args: [] }, host));
    assert.equal(launch.source, 'PATH');
  });
});

describe('discoverServer: failures', () => {
  it('reports not found with every reason when nothing is available', async () => {
    const result = failed(await discoverServer({ args: [] }, fakeHost({ env: { PATH: '/usr/bin' } })));
    assert.equal(result.settingError, false);
    assert.match(result.message, /pip install ragfirst/);
    assert.ok(result.reasons.some((r) => r.includes('No "ragfirst" executable was found on PATH')));
    assert.ok(result.reasons.some((r) => r.includes('No Python interpreter is selected')));
  });

  it('mentions the selected interpreter when it lacks the package and PATH has nothing', async () => {
    const host = fakeHost({ files: ['/pyext/bin/python'], probes: { '/pyext/bin/python': 'missing-module' } });
    const result = failed(await discoverServer({ pythonExtensionInterpreter: '/pyext/bin/python', args: [] }, host));
    assert.ok(result.reasons.some((r) => r.includes('/pyext/bin/python -m pip install ragfirst')));
  });

  it('does not fall back when ragfirst.path points nowhere', async () => {
    const host = fakeHost({ files: ['/usr/bin/ragfirst'] });
    const result = failed(await discoverServer({ path: '/nope/ragfirst', args: [] }, host));
    assert.equal(result.settingError, true);
    assert.match(result.message, /ragfirst\.path is set to "\/nope\/ragfirst"/);
  });

  it('does not fall back when ragfirst.interpreter does not exist', async () => {
    const host = fakeHost({ files: ['/usr/bin/ragfirst'] });
    const result = failed(await discoverServer({ interpreter: '/nope/python', args: [] }, host));
    assert.equal(result.settingError, true);
    assert.match(result.message, /ragfirst\.interpreter/);
  });

  it('explains how to install into ragfirst.interpreter when the package is missing', async () => {
    const host = fakeHost({ files: ['/venv/bin/python', '/usr/bin/ragfirst'], probes: { '/venv/bin/python': 'missing-module' } });
    const result = failed(await discoverServer({ interpreter: '/venv/bin/python', args: [] }, host));
    assert.equal(result.settingError, true);
    assert.match(result.message, /\/venv\/bin\/python -m pip install ragfirst/);
  });

  it('reports an interpreter that cannot run', async () => {
    const host = fakeHost({ files: ['/venv/bin/python'], probes: { '/venv/bin/python': 'not-runnable' } });
    const result = failed(await discoverServer({ interpreter: '/venv/bin/python', args: [] }, host));
    assert.match(result.message, /could not be run/);
  });
});

describe('discoverServer: path handling', () => {
  it('resolves ${workspaceFolder} and relative paths against the workspace folder', async () => {
    const host = fakeHost({ files: ['/work/proj/.venv/bin/python'], probes: { '/work/proj/.venv/bin/python': 'ok' }, workspaceFolder: '/work/proj' });
    let launch = launched(await discoverServer({ interpreter: '${workspaceFolder}/.venv/bin/python', args: [] }, host));
    assert.equal(launch.command, '/work/proj/.venv/bin/python');
    launch = launched(await discoverServer({ interpreter: './.venv/bin/python', args: [] }, host));
    assert.equal(launch.command, '/work/proj/.venv/bin/python');
  });

  it('accepts a virtual environment folder as the interpreter', async () => {
    const host = fakeHost({ files: ['/work/proj/.venv/bin/python'], probes: { '/work/proj/.venv/bin/python': 'ok' }, workspaceFolder: '/work/proj' });
    const launch = launched(await discoverServer({ interpreter: '.venv', args: [] }, host));
    assert.equal(launch.command, '/work/proj/.venv/bin/python');
  });

  it('expands ~ in ragfirst.path', async () => {
    const host = fakeHost({ files: ['/home/dev/.local/bin/ragfirst'], homeDir: '/home/dev' });
    const launch = launched(await discoverServer({ path: '~/.local/bin/ragfirst', args: [] }, host));
    assert.equal(launch.command, '/home/dev/.local/bin/ragfirst');
  });

  it('looks a bare ragfirst.path name up on PATH', async () => {
    const host = fakeHost({ files: ['/usr/bin/ragfirst-dev'] });
    const launch = launched(await discoverServer({ path: 'ragfirst-dev', args: [] }, host));
    assert.equal(launch.command, '/usr/bin/ragfirst-dev');
    assert.equal(launch.source, 'path-setting');
  });

  it('looks a bare interpreter name (python3) up on PATH', async () => {
    const host = fakeHost({ files: ['/usr/bin/python3'], probes: { '/usr/bin/python3': 'ok' } });
    const launch = launched(await discoverServer({ interpreter: 'python3', args: [] }, host));
    assert.equal(launch.command, '/usr/bin/python3');
  });
});

describe('discoverServer: Windows', () => {
  it('finds ragfirst.exe through PATH and PATHEXT, with a case-insensitive Path variable', async () => {
    const host = fakeHost({
      platform: 'win32',
      env: { Path: 'C:\\Tools;C:\\Python312\\Scripts', PATHEXT: '.COM;.EXE;.BAT;.CMD' },
      files: ['C:\\Python312\\Scripts\\ragfirst.exe'],
    });
    const launch = launched(await discoverServer({ args: [] }, host));
    assert.equal(launch.command, 'C:\\Python312\\Scripts\\ragfirst.exe');
    assert.equal(launch.shell, false);
  });

  it('runs .cmd shims through a shell, quoting paths with spaces', async () => {
    const host = fakeHost({
      platform: 'win32',
      env: { PATH: 'C:\\Program Files\\ragfirst', PATHEXT: '.EXE;.CMD' },
      files: ['C:\\Program Files\\ragfirst\\ragfirst.cmd'],
    });
    const launch = launched(await discoverServer({ args: ['--name', 'a b'] }, host));
    assert.equal(launch.shell, true);
    assert.equal(launch.command, '"C:\\Program Files\\ragfirst\\ragfirst.cmd"');
    assert.deepEqual(launch.args, ['server', '--name', '"a b"']);
  });

  it('resolves a venv folder to Scripts\\python.exe', async () => {
    const host = fakeHost({
      platform: 'win32',
      env: { PATH: '' },
      workspaceFolder: 'C:\\proj',
      files: ['C:\\proj\\.venv\\Scripts\\python.exe'],
      probes: { 'C:\\proj\\.venv\\Scripts\\python.exe': 'ok' },
    });
    const launch = launched(await discoverServer({ interpreter: '.venv\\', args: [] }, host));
    assert.equal(launch.command, 'C:\\proj\\.venv\\Scripts\\python.exe');
  });
});

describe('discovery helpers', () => {
  it('which() returns the first match in PATH order and skips empty entries', async () => {
    const host = fakeHost({ files: ['/b/ragfirst', '/c/ragfirst'], env: { PATH: '::/a:/b:/c' } });
    assert.equal(await which('ragfirst', host), '/b/ragfirst');
    assert.equal(await which('missing', host), undefined);
  });

  it('expandPath() handles ${env:NAME} and ${userHome}', () => {
    const host = { platform: 'linux', env: { VENV: '/envs/a' }, homeDir: '/home/dev', workspaceFolder: '/ws' };
    assert.equal(expandPath('${env:VENV}/bin/python', host), '/envs/a/bin/python');
    assert.equal(expandPath('${userHome}/bin/ragfirst', host), '/home/dev/bin/ragfirst');
    assert.equal(expandPath('ragfirst', host), 'ragfirst', 'bare names stay bare');
    assert.equal(expandPath('bin/../tools/ragfirst', host), '/ws/tools/ragfirst');
  });

  it('looksLikePath() only treats backslashes as separators on Windows', () => {
    assert.equal(looksLikePath('a\\b', 'linux'), false);
    assert.equal(looksLikePath('a\\b', 'win32'), true);
    assert.equal(looksLikePath('a/b', 'darwin'), true);
  });

  it('needsShell() and quoteForShell()', () => {
    assert.equal(needsShell('C:\\x\\ragfirst.CMD', 'win32'), true);
    assert.equal(needsShell('C:\\x\\ragfirst.exe', 'win32'), false);
    assert.equal(needsShell('/usr/bin/ragfirst.cmd', 'linux'), false);
    assert.equal(quoteForShell('plain'), 'plain');
    assert.equal(quoteForShell('with space'), '"with space"');
    assert.equal(quoteForShell('say "hi"'), '"say ""hi"""');
    assert.equal(quoteForShell(''), '""');
  });

  it('pythonServerArgs() appends user args after the server sub command', () => {
    assert.deepEqual(pythonServerArgs(['--x']), ['-m', 'ragfirst', 'server', '--x']);
  });
});
