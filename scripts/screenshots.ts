import { spawn } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';

import { chromium } from '@playwright/test';

// Screenshots for the README (docs/screenshots/): the production build on a fresh seeded database,
// signed in as the Acme owner. Run after `npm run build`: `node --import tsx scripts/screenshots.ts`.

const port = 3201;
const base = `http://127.0.0.1:${port}`;

async function waitForServer() {
  for (let i = 0; i < 120; i++) {
    try {
      if ((await fetch(`${base}/api/health`)).ok) return;
    } catch {
      // not up yet
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new Error('server did not start');
}

async function main() {
  mkdirSync('docs/screenshots', { recursive: true });
  const server = spawn(process.execPath, ['--import', 'tsx', 'scripts/e2e-server.ts'], {
    env: { ...process.env, PORT: String(port) },
    stdio: 'ignore',
  });
  try {
    await waitForServer();
    const browser = await chromium.launch({
      executablePath: existsSync('/usr/bin/chromium') ? '/usr/bin/chromium' : undefined,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
        '--disable-quic',
      ],
    });
    const page = await browser.newPage({ viewport: { width: 1360, height: 860 }, deviceScaleFactor: 1 });
    await page.goto(`${base}/sign-in`);
    await page.getByLabel('Email').fill('alice@acme.test');
    await page.getByLabel('Password').fill('bulkhead-demo');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(/\/t\/acme$/);
    await page.getByTestId('stat-revenue-this-month').waitFor(); // past the loading skeleton
    await page.screenshot({ path: 'docs/screenshots/dashboard.png' });
    await page.goto(`${base}/t/acme/orders`, { waitUntil: 'networkidle' });
    await page.screenshot({ path: 'docs/screenshots/orders.png' });
    await page.goto(`${base}/t/acme/reports`);
    await page.waitForSelector('.recharts-bar-rectangle');
    await page.screenshot({ path: 'docs/screenshots/report.png', fullPage: false });
    await page.goto(`${base}/t/acme/settings/billing`, { waitUntil: 'networkidle' });
    await page.screenshot({ path: 'docs/screenshots/plan-and-usage.png' });
    await page.goto(`${base}/t/acme/settings/api-keys`, { waitUntil: 'networkidle' });
    await page.screenshot({ path: 'docs/screenshots/api-keys.png' });
    await page.goto(`${base}/`);
    await page.screenshot({ path: 'docs/screenshots/landing.png' });

    // The same session in the dark colour scheme (the app follows the system's setting).
    const dark = await browser.newPage({
      viewport: { width: 1360, height: 860 },
      deviceScaleFactor: 1,
      colorScheme: 'dark',
      storageState: await page.context().storageState(),
    });
    await dark.goto(`${base}/t/acme`);
    await dark.getByTestId('stat-revenue-this-month').waitFor();
    await dark.screenshot({ path: 'docs/screenshots/dashboard-dark.png' });
    await dark.goto(`${base}/t/acme/reports`);
    await dark.waitForSelector('.recharts-bar-rectangle');
    await dark.screenshot({ path: 'docs/screenshots/report-dark.png' });
    await browser.close();
  } finally {
    server.kill('SIGTERM');
    await new Promise((resolve) => server.once('exit', resolve));
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
