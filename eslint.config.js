import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/**', 'dist/**', 'var/**', 'coverage/**', 'public/**', 'scratch/**', 'test-results/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-properties': ['error', { object: 'process', property: 'env', message: 'Read settings through src/config.ts.' }],
    },
  },
  {
    // The sandbox is a development-only package: the product reaches it through one door.
    files: ['src/**/*.ts'],
    ignores: ['src/sandbox-launcher.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [{ group: ['@chronos/whop-sandbox', '@chronos/whop-sandbox/*'], message: 'Only src/sandbox-launcher.ts loads the sandbox (development only).' }],
      }],
    },
  },
  {
    files: ['src/config.ts', 'test/support/test-env.ts', 'scripts/**', 'test/e2e/**'],
    rules: { 'no-restricted-properties': 'off' },
  },
);
