import { fileURLToPath } from 'node:url';

import { defineConfig } from 'vitest/config';

// The app's tests. The isolation kit (packages/tenancy) runs its own with its own config:
// `npm test -w @bulkhead/tenancy` (npm run test:unit runs both).
export default defineConfig({
  resolve: {
    alias: { '@': fileURLToPath(new URL('.', import.meta.url)) },
  },
  test: {
    include: ['**/*.test.ts'],
    exclude: ['node_modules/**', 'packages/**', 'e2e/**', '.next/**', '.e2e/**', '.data/**', '**/*.services.test.ts'],
    globalSetup: ['test/global-setup.ts'],
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
