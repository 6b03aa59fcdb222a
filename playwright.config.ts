import { existsSync } from 'node:fs';

import { defineConfig, devices } from '@playwright/test';

// Browser tests run against a production build (`next build` first, see `npm run test:e2e`) served
// by scripts/e2e-server.ts on its own database. Debian's Chromium is used where it is installed;
// these flags keep it from reaching for a network the test machines do not have.

const port = Number(process.env.E2E_PORT ?? 3100);
const baseURL = `http://127.0.0.1:${port}`;
const systemChromium = '/usr/bin/chromium';
const QUIET = /security\/timing\.spec\.ts$/;

const browser = {
  ...devices['Desktop Chrome'],
  launchOptions: {
    executablePath: existsSync(systemChromium) ? systemChromium : undefined,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-quic',
    ],
  },
};

export default defineConfig({
  testDir: 'e2e',
  fullyParallel: true,
  forbidOnly: true,
  retries: 0,
  workers: process.env.CI ? 2 : undefined,
  reporter: [['list']],
  // Generous on purpose: CI shares 2 cores between the server, PostgreSQL and two browsers, and a
  // test that times out there proves nothing. Speed is measured by `npm run bench`, not here.
  timeout: 60_000,
  expect: { timeout: 10_000 },
  use: {
    baseURL,
    trace: 'retain-on-failure',
  },
  projects: [
    { name: 'chromium', testIgnore: QUIET, use: browser },
    // Timing measurements (e2e/security/timing.spec.ts) start once every other test has finished,
    // so no other browser or request competes with them for the 2 cores.
    { name: 'quiet', testMatch: QUIET, dependencies: ['chromium'], use: browser },
  ],
  webServer: {
    command: 'node --import tsx scripts/e2e-server.ts',
    url: `${baseURL}/api/health`,
    env: { PORT: String(port) },
    timeout: 120_000,
    reuseExistingServer: false,
    stdout: 'pipe',
    stderr: 'pipe',
    gracefulShutdown: { signal: 'SIGTERM', timeout: 15_000 },
  },
});
