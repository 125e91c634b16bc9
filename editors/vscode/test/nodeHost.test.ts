import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { which } from '../src/discovery';
import { isExecutableFile, PROBE_SCRIPT, probePython } from '../src/nodeHost';

const posix = process.platform !== 'win32';

describe('node host', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ragfirst-vscode-test-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  function script(name: string, body: string): string {
    const file = join(dir, name);
    writeFileSync(file, `#!/bin/sh\n${body}\n`);
    chmodSync(file, 0o755);
    return file;
  }

  it('isExecutableFile: true for executable files, false for folders and missing paths', { skip: !posix }, async () => {
    const exe = script('exe', 'exit 0');
    const plain = join(dir, 'plain.txt');
    writeFileSync(plain, 'x');
    chmodSync(plain, 0o644);
    assert.equal(await isExecutableFile(exe), true);
    assert.equal(await isExecutableFile(plain), false);
    assert.equal(await isExecutableFile(dir), false);
    assert.equal(await isExecutableFile(join(dir, 'missing')), false);
  });

  it('probePython maps exit codes: 0 ok, 3 missing-module, else not-runnable', { skip: !posix }, async () => {
    assert.equal(await probePython(script('py-ok', 'exit 0')), 'ok');
    assert.equal(await probePython(script('py-missing', 'exit 3')), 'missing-module');
    assert.equal(await probePython(script('py-broken', 'exit 1')), 'not-runnable');
    assert.equal(await probePython(join(dir, 'does-not-exist')), 'not-runnable');
  });

  it('probePython passes "-c <script>" to the interpreter', { skip: !posix }, async () => {
    const out = join(dir, 'argv.txt');
    const fake = script('py-argv', `printf '%s\\n' "$@" > "${out}"; exit 0`);
    assert.equal(await probePython(fake), 'ok');
    assert.equal(readFileSync(out, 'utf8'), `-c\n${PROBE_SCRIPT}\n`);
  });

  it('the probe script is valid Python that checks for the ragfirst package', () => {
    assert.match(PROBE_SCRIPT, /find_spec\("ragfirst"\)/);
    assert.match(PROBE_SCRIPT, /sys\.exit\(0 if .* else 3\)/);
  });
});

describe('node host with a real Python', () => {
  it('the probe runs on python3 from PATH (ok or missing-module, never a crash)', async (t) => {
    const python = await which(process.platform === 'win32' ? 'python' : 'python3', {
      platform: process.platform,
      env: process.env,
      isExecutableFile: (p) => isExecutableFile(p),
    });
    if (python === undefined) {
      t.skip('no python3 on PATH');
      return;
    }
    assert.ok(['ok', 'missing-module'].includes(await probePython(python)));
  });
});
