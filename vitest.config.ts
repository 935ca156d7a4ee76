import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'Anchor-like-examples/**/*.test.ts'],
    testTimeout: 60_000,
    pool: 'forks',
  },
});
