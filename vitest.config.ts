import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  // The examples import 'websvm' and 'websvm/anchor' as a user's project does; in this repository
  // that is the source. Exact matches, so 'websvm' does not also catch 'websvm/anchor' as a prefix.
  resolve: {
    alias: [
      { find: /^websvm$/, replacement: fileURLToPath(new URL('./src/index.ts', import.meta.url)) },
      { find: /^websvm\/anchor$/, replacement: fileURLToPath(new URL('./src/anchor/index.ts', import.meta.url)) },
    ],
  },
  test: {
    include: ['test/**/*.test.ts', 'Anchor-like-examples/**/*.test.ts'],
    testTimeout: 60_000,
    pool: 'forks',
  },
});
