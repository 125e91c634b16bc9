// ESLint flat config (ESLint 10 + typescript-eslint 8).
import eslint from '@eslint/js';
import { defineConfig } from 'eslint/config';
import tseslint from 'typescript-eslint';

/** Modules that must stay free of `vscode` so they can be unit-tested with plain Node. */
const PURE_MODULES = [
  'src/constants.ts',
  'src/discovery.ts',
  'src/nodeHost.ts',
  'src/rules.ts',
  'src/selector.ts',
  'src/settings.ts',
  'src/status.ts',
  'test/**/*.ts',
  'test-support/**/*.ts',
];

export default defineConfig(
  { ignores: ['dist/**', 'out-test/**', 'node_modules/**', '*.vsix'] },
  eslint.configs.recommended,
  {
    files: ['**/*.ts'],
    extends: [tseslint.configs.recommendedTypeChecked],
    languageOptions: {
      parserOptions: {
        projectService: true,
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': [
        'error',
        // node:test's describe()/it() return promises that the runner tracks itself.
        { allowForKnownSafeCalls: [{ from: 'package', name: ['describe', 'it', 'suite', 'test'], package: 'node:test' }] },
      ],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      eqeqeq: ['error', 'always'],
    },
  },
  {
    files: PURE_MODULES,
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'vscode', message: 'This module must stay vscode-free so it can be unit-tested with node --test.' }],
          patterns: [{ group: ['vscode-languageclient', 'vscode-languageclient/*'], message: 'Keep this module vscode-free.' }],
        },
      ],
    },
  },
  {
    files: ['**/*.mjs'],
    extends: [tseslint.configs.disableTypeChecked],
    languageOptions: {
      globals: {
        process: 'readonly',
        console: 'readonly',
        Buffer: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
      },
    },
  },
);
