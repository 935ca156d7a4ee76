import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  // The examples import 'websvm' as a user's project does; in this repository that is the source.
  resolve: { alias: { websvm: fileURLToPath(new URL('./src/index.ts', import.meta.url)) } },
  test: {
    include: ['test/**/*.test.ts', 'Anchor-like-examples/**/*.test.ts'],
    testTimeout: 60_000,
    pool: 'forks',
  },
});
