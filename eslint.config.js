// Lint holds the architecture's one hard line: code under workflows/ is replayed by Temporal inside a
// deterministic sandbox, so it may import only @temporalio/workflow, pure modules of src/, and types.
import tseslint from 'typescript-eslint';

/** Node-only modules: nothing under workflows/ may load these (type-only imports are fine). */
export const sandboxForbidden = {
  paths: [
    { name: 'pino', message: 'workflows/ runs in the Temporal sandbox: log with `log` from @temporalio/workflow.' },
    { name: '@temporalio/client', message: 'workflows/ may not import @temporalio/client (Node-only).' },
    { name: '@temporalio/worker', message: 'workflows/ may not import @temporalio/worker (Node-only).' },
    { name: '@temporalio/activity', message: 'workflows/ may not import @temporalio/activity; use proxyActivities with `import type`.' },
    { name: '@temporalio/testing', message: 'workflows/ may not import @temporalio/testing.' },
  ],
  patterns: [
    { group: ['node:*'], message: 'workflows/ runs in the Temporal sandbox: no Node built-ins.' },
    {
      regex: '^(assert|buffer|child_process|cluster|crypto|dgram|dns|events|fs|fs/promises|http|http2|https|net|os|path|perf_hooks|process|readline|stream|timers|tls|url|util|v8|vm|worker_threads|zlib)$',
      message: 'workflows/ runs in the Temporal sandbox: no Node built-ins.',
    },
    {
      // `**/node/**` also catches a pure module under src/ reaching for `./node/...` relatively.
      group: ['**/node/**', '**/node', '**/activities/**', '**/activities', '**/workers/**', '**/workers', '**/scripts/**', '**/test/**', '**/bench/**'],
      allowTypeImports: true,
      message: 'workflows/ may import only pure modules of src/ (Node-only code lives in src/node/, activities/, workers/); use `import type` for types.',
    },
  ],
};

export default tseslint.config(
  { ignores: ['node_modules/**', 'coverage/**', '.tmp/**', 'bench/results/**'] },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['workflows/**/*.ts', 'src/**/*.ts'],
    ignores: ['src/node/**'],
    rules: { '@typescript-eslint/no-restricted-imports': ['error', sandboxForbidden] },
  },
);
