import { defineConfig } from '@playwright/test';

import base from './playwright.config';

// The control project: the leak suite's customers-page case against a build whose customers page
// leaks on purpose (e2e/control). The case is marked as expected to fail there, so this project
// passes only if the suite catches the leak. `npm run test:e2e` runs it after the real suite.

process.env.BULKHEAD_LEAK_CONTROL = '1';
const port = Number(process.env.CONTROL_PORT ?? 3110);
const baseURL = `http://127.0.0.1:${port}`;

export default defineConfig({
  ...base,
  testMatch: ['leaks/pages.spec.ts'],
  grep: /page \/t\/\[tenant\]\/customers$/,
  use: { ...base.use, baseURL },
  projects: base.projects?.filter((project) => project.name === 'chromium'),
  webServer: {
    command: 'node --import tsx scripts/control-server.ts',
    url: `${baseURL}/api/health`,
    env: { PORT: String(port) },
    timeout: 240_000,
    reuseExistingServer: false,
    stdout: 'pipe',
    stderr: 'pipe',
    gracefulShutdown: { signal: 'SIGTERM', timeout: 15_000 },
  },
});
