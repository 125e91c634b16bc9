// Keeps package.json, the code and the dependencies consistent.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { Commands } from '../src/constants';
import { LINTED_LANGUAGES } from '../src/selector';
import { SEVERITIES, SettingKeys, TRACE_VALUES } from '../src/settings';

// Compiled to out-test/test/, so the extension root is two levels up.
const root = resolve(__dirname, '..', '..');

interface Manifest {
  name: string;
  version: string;
  publisher: string;
  main: string;
  icon: string;
  engines: { vscode: string };
  categories: string[];
  activationEvents: string[];
  devDependencies: Record<string, string>;
  contributes: {
    commands: { command: string; title: string; category?: string }[];
    configuration: { properties: Record<string, { enum?: string[]; additionalProperties?: { enum?: string[] } }> };
  };
}

const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as Manifest;

function minVersion(range: string): number[] {
  const match = /(\d+)\.(\d+)\.(\d+)/.exec(range);
  assert.ok(match, `no version in ${range}`);
  return match.slice(1, 4).map(Number);
}

function compare(a: number[], b: number[]): number {
  for (let i = 0; i < 3; i++) {
    if (a[i] !== b[i]) {
      return a[i] - b[i];
    }
  }
  return 0;
}

describe('package.json', () => {
  it('has the marketplace basics', () => {
    assert.equal(manifest.name, 'ragfirst');
    assert.equal(manifest.publisher, 'ragfirst-placeholder');
    assert.match(manifest.version, /^\d+\.\d+\.\d+$/);
    assert.deepEqual(manifest.categories, ['Linters']);
    assert.equal(manifest.main, './dist/extension.js');
    assert.equal(manifest.icon, 'images/icon.png');
  });

  it('contributes exactly the commands the extension registers', () => {
    const contributed = manifest.contributes.commands.map((c) => c.command).sort();
    assert.deepEqual(contributed, Object.values(Commands).sort());
    for (const command of manifest.contributes.commands) {
      assert.equal(command.category, 'ragfirst');
    }
  });

  it('contributes exactly the settings the extension reads', () => {
    const contributed = Object.keys(manifest.contributes.configuration.properties).sort();
    assert.deepEqual(contributed, Object.values(SettingKeys).map((k) => `ragfirst.${k}`).sort());
    const props = manifest.contributes.configuration.properties;
    assert.deepEqual(props['ragfirst.trace.server'].enum, [...TRACE_VALUES]);
    assert.deepEqual(props['ragfirst.severityOverrides'].additionalProperties?.enum, [...SEVERITIES]);
  });

  it('activates for every linted language', () => {
    for (const language of LINTED_LANGUAGES) {
      assert.ok(manifest.activationEvents.includes(`onLanguage:${language}`), language);
    }
    assert.ok(!manifest.activationEvents.includes('*'), 'no eager activation');
  });

  it('engines.vscode satisfies vscode-languageclient and is not older than @types/vscode', () => {
    const client = JSON.parse(
      readFileSync(join(root, 'node_modules', 'vscode-languageclient', 'package.json'), 'utf8'),
    ) as { engines: { vscode: string } };
    const ours = minVersion(manifest.engines.vscode);
    assert.ok(compare(ours, minVersion(client.engines.vscode)) >= 0, 'engine older than the client needs');
    assert.ok(compare(ours, minVersion(manifest.devDependencies['@types/vscode'])) >= 0, '@types/vscode newer than engine');
  });
});

describe('pure modules', () => {
  for (const file of ['constants', 'discovery', 'nodeHost', 'rules', 'selector', 'settings', 'status']) {
    it(`src/${file}.ts does not import vscode`, () => {
      const source = readFileSync(join(root, 'src', `${file}.ts`), 'utf8');
      assert.doesNotMatch(source, /from\s+['"]vscode(-languageclient[^'"]*)?['"]|require\(\s*['"]vscode['"]\s*\)/);
    });
  }
});
