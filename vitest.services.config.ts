import { fileURLToPath } from 'node:url';

import { defineConfig } from 'vitest/config';

// `npm run test:services` only: tests of services this machine runs beside PostgreSQL (Redis).
// They never run in `npm test`, which needs nothing but Node and npm.
export default defineConfig({
  resolve: {
    alias: { '@': fileURLToPath(new URL('.', import.meta.url)) },
  },
  test: {
    include: ['**/*.services.test.ts'],
    exclude: ['node_modules/**', 'packages/**', 'e2e/**', '.next/**', '.e2e/**', '.data/**'],
    globalSetup: ['test/global-setup.ts'],
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
