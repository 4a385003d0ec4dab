// Lint holds the architecture's one hard line: code under workflows/ is replayed by Temporal inside a
// deterministic sandbox, and so is every pure module of src/ it imports. That code may import only an
// allow-list: @temporalio/workflow, @temporalio/common, zod, uuid, other sandbox code (workflows/ and the
// pure folders of src/), and anything at all with `import type` (erased before it runs).
import path from 'node:path';
import tseslint from 'typescript-eslint';

const ROOT = import.meta.dirname;
/** Packages the sandbox may load. */
export const SANDBOX_PACKAGES = ['@temporalio/workflow', '@temporalio/common', 'zod', 'uuid'];
/** Folders of src/ that are Node.js-only (everything else in src/ is pure and sandbox-safe). */
export const NODE_ONLY_SRC = ['src/client', 'src/infra'];
/** Where the sandbox's code lives. */
const SANDBOX_DIRS = ['workflows', 'src'];

function inside(file, dir) {
  const rel = path.relative(path.join(ROOT, dir), file);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

/** True when `file` (absolute) is sandbox code. */
export function isSandboxFile(file) {
  return SANDBOX_DIRS.some((d) => inside(file, d)) && !NODE_ONLY_SRC.some((d) => inside(file, d));
}

const sandboxImports = {
  meta: {
    type: 'problem',
    docs: { description: 'workflows/ and pure src/ may import only the sandbox allow-list' },
    schema: [],
    messages: {
      forbidden:
        '"{{source}}" cannot be loaded in the Temporal sandbox: workflows/ and the pure part of src/ may import only ' +
        '{{packages}} and other sandbox modules (Node-only code lives in {{nodeOnly}}, activities/, workers/); use `import type` for types.',
    },
  },
  create(context) {
    const file = context.filename;
    if (!isSandboxFile(file)) return {};
    const check = (node, source, typeOnly) => {
      if (typeOnly || typeof source !== 'string') return;
      const relative = source.startsWith('.');
      const allowed = relative ? isSandboxFile(path.resolve(path.dirname(file), source)) : SANDBOX_PACKAGES.includes(source);
      if (!allowed) {
        context.report({ node, messageId: 'forbidden', data: { source, packages: SANDBOX_PACKAGES.join(', '), nodeOnly: NODE_ONLY_SRC.join('/, ') + '/' } });
      }
    };
    return {
      ImportDeclaration: (node) => check(node, node.source.value, node.importKind === 'type'),
      ExportNamedDeclaration: (node) => node.source && check(node, node.source.value, node.exportKind === 'type'),
      ExportAllDeclaration: (node) => check(node, node.source.value, node.exportKind === 'type'),
      ImportExpression: (node) => check(node, node.source.type === 'Literal' ? node.source.value : '<dynamic import>', false),
      'CallExpression[callee.name="require"]': (node) => check(node, node.arguments[0]?.value ?? '<require>', false),
      TSImportEqualsDeclaration: (node) => check(node, node.moduleReference.expression?.value, node.importKind === 'type'),
    };
  },
};

export default tseslint.config(
  { ignores: ['node_modules/**', 'coverage/**', '.tmp/**', 'bench/results/**'] },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: ROOT } },
    plugins: { 'agent-cluster': { rules: { 'sandbox-imports': sandboxImports } } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'agent-cluster/sandbox-imports': 'error',
    },
  },
);
