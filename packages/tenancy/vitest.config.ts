import { defineConfig } from 'vitest/config';

// The kit's own tests: `npm test -w @bulkhead/tenancy`. They run on the fixture app
// (test/fixture: its own schema, client and migrations), never on the Bulkhead app's schema.
export default defineConfig({
  test: {
    root: import.meta.dirname,
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/global-setup.ts'],
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
