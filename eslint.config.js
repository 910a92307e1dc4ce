import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import { codeLayering } from './eslint-code-layering.js';

const nodeBuiltins = ['node:*', 'fs', 'path', 'os', 'child_process', 'crypto', 'url', 'util', 'stream'];

/** Where code may run, enforced: only the Electron shell and the preload may import Electron. */
const electronOnlyInShell = {
  name: 'electron',
  message: 'Only src/main/electron/ and src/preload/ may import electron; keep the core testable under plain Node.',
};

export default tseslint.config(
  // tests/fixtures holds camera files, among them an MPEG transport stream named .mts.
  { ignores: ['node_modules/**', 'out/**', 'dist/**', 'build/**', 'test-artifacts/**', 'tests/fixtures/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly', Buffer: 'readonly' } },
    rules: {
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-non-null-assertion': 'off',
      // Rest siblings are how an object drops the keys it does not pass on.
      '@typescript-eslint/no-unused-vars': ['error', { ignoreRestSiblings: true }],
      'no-restricted-imports': ['error', { paths: [electronOnlyInShell] }],
    },
  },
  {
    // Layers of src/main point one way (eslint-code-layering.js says which).
    files: ['src/main/**/*.ts'],
    plugins: { captionist: { rules: { 'code-layering': codeLayering } } },
    rules: { 'captionist/code-layering': 'error' },
  },
  {
    files: ['src/preload/**'],
    rules: { 'no-restricted-imports': 'off' },
  },
  {
    // The shell starts the core host and forwards to it; the core itself runs in the host's worker.
    files: ['src/main/electron/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: String.raw`^\.\./(?!host/|base/data-dir$|base/logger$|\.\./shared/)`,
              allowTypeImports: true,
              message: 'The Electron shell runs no core code: it reaches the core through the core host (src/main/host).',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['src/shared/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [electronOnlyInShell],
          patterns: [
            { group: nodeBuiltins, message: 'src/shared is the platform-free contract: no Node modules.' },
            { group: ['**/main/**', '**/renderer/**', '**/preload/**'], message: 'src/shared imports nothing of ours.' },
          ],
        },
      ],
    },
  },
  {
    files: ['src/renderer/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [electronOnlyInShell],
          patterns: [
            { group: nodeBuiltins, message: 'The renderer talks to the core only through window.api.' },
            { group: ['**/main/**', '**/preload/**'], message: 'The renderer imports only src/shared.' },
          ],
        },
      ],
    },
  },
);
