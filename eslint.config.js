// Lint configuration (`npm run lint`, run by .ci/run): ESLint's and typescript-eslint's recommended
// rules over the TypeScript sources; formatting is Prettier's (`npm run format:check`).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'programs/build/', 'scratch/', '**/*.js', '**/*.mjs', '**/*.cjs'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      // `const { a, ...rest } = x` drops `a` on purpose.
      '@typescript-eslint/no-unused-vars': ['error', { ignoreRestSiblings: true }],
      // An interface that only extends merges fields into a class of the same name (sysvars.ts).
      '@typescript-eslint/no-empty-object-type': ['error', { allowInterfaces: 'with-single-extends' }],
    },
  },
  // The CommonJS consumer check must use `require`.
  { files: ['.ci/consumers/*.cts'], rules: { '@typescript-eslint/no-require-imports': 'off' } },
);
