// Layering from ../shared/ARCHITECTURE.md, enforced as errors.
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const platformPackages = [
  'electron',
  'electron/*',
  'electron-updater',
  'express',
  'react',
  'react/*',
  'react-dom',
  'react-dom/*',
  'node-telegram-bot-api',
  'node-cron',
];
const folder = (name) => [`**/${name}`, `**/${name}/**`];
// Leaf modules of core/ the renderer may import values from: the one list of error codes, the
// lifecycle's vocabulary, the formatting of amounts and an invoice's arithmetic checks (so the
// review screen checks as posting will). They import nothing of Node, so none reaches the browser bundle.
const rendererSafeCore = [
  'core/errors',
  'core/vocabulary',
  'core/locale/amounts',
  'core/invoices/checks',
];

const restrict = (patterns, allowTypeImports = false) => ({
  '@typescript-eslint/no-restricted-imports': [
    'error',
    {
      patterns: patterns.map((p) => ({
        ...(p.regex ? { regex: p.regex } : { group: p.group }),
        message: p.message,
        allowTypeImports,
      })),
    },
  ],
});

export default tseslint.config(
  { ignores: ['node_modules', 'dist', 'release', 'resources', 'coverage'] },
  js.configs.recommended,
  ...tseslint.configs.strict,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/ban-ts-comment': [
        'error',
        { 'ts-expect-error': 'allow-with-description', 'ts-ignore': true },
      ],
      'no-console': 'off',
    },
  },
  {
    // Tests index into results they have just checked; `!` there is clearer than a guard.
    files: ['**/*.test.ts', '**/*.test.tsx', '**/testing/**', '**/bench/**'],
    rules: { '@typescript-eslint/no-non-null-assertion': 'off' },
  },
  {
    files: ['core/**/*.ts'],
    rules: restrict([
      {
        group: platformPackages,
        message: 'core/ is plain domain code: no platform, UI or transport libraries.',
      },
      {
        group: [...folder('electron'), ...folder('renderer'), ...folder('sync-server')],
        message: 'core/ may not import another top-level folder.',
      },
    ]),
  },
  {
    files: rendererSafeCore.map((file) => `${file}.ts`),
    rules: {
      'no-restricted-syntax': [
        'error',
        // Nothing but another of these leaves (by its path's end: errors, vocabulary, amounts).
        ...['ImportDeclaration', 'ExportAllDeclaration', 'ExportNamedDeclaration[source]'].map(
          (selector) => ({
            selector: `${selector}:not([source.value=/^\\.\\.?\\/(\\.\\.\\/)*(errors|vocabulary|locale\\/amounts)$/])`,
            message:
              'The renderer imports this file: it stays a leaf that imports nothing but the other leaves.',
          }),
        ),
      ],
    },
  },
  {
    files: ['electron/**/*.ts'],
    rules: restrict([
      {
        group: [...folder('renderer'), ...folder('sync-server'), 'express', 'react', 'react-dom'],
        message: 'electron/ may import core/ only.',
      },
    ]),
  },
  {
    files: ['sync-server/**/*.ts'],
    rules: restrict([
      {
        group: [
          ...folder('renderer'),
          ...folder('electron'),
          'electron',
          'electron/*',
          'react',
          'react-dom',
        ],
        message: 'sync-server/ may import core/ only.',
      },
    ]),
  },
  {
    // The UI itself; renderer/e2e and renderer/bench drive it from Node and may use the core.
    files: ['renderer/src/**/*.ts', 'renderer/src/**/*.tsx'],
    languageOptions: { globals: { ...globals.browser } },
    rules: restrict(
      [
        {
          // core/ and anything in it but the leaf modules above (gitignore-style groups cannot
          // re-include a file below an excluded folder).
          regex: `(^|/)core(/(?!(${rendererSafeCore.map((f) => f.slice('core/'.length)).join('|')})$).*)?$`,
          message: `renderer/ may import only types (the contract) from core/, and values from ${rendererSafeCore.join(', ')}.`,
        },
        {
          group: [
            ...folder('electron'),
            ...folder('sync-server'),
            'electron',
            'express',
            'better-sqlite3',
            'node:*',
          ],
          message: 'renderer/ runs in the browser sandbox.',
        },
      ],
      true,
    ),
  },
);
