import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import path from 'node:path';

// Builds and serves the control app for the leak suite: a copy of this project in .e2e/control
// with app/t/[tenant]/customers/page.tsx replaced by e2e/control/leaky-customers-page.tsx, and the
// leaky page's connection (the ops role's, which bypasses RLS) handed to it by the e2e server.
// Used only by playwright.control.config.ts.

const root = process.cwd();
const target = path.join(root, '.e2e', 'control');
const SKIP = new Set(['node_modules', '.next', '.data', '.e2e', '.git', 'test-results', 'playwright-report', '.scratch']);

rmSync(target, { recursive: true, force: true });
mkdirSync(target, { recursive: true });
// Entry by entry: cpSync refuses to copy a folder into its own subfolder, even when filtered out.
for (const entry of readdirSync(root)) {
  if (!SKIP.has(entry))
    cpSync(path.join(root, entry), path.join(target, entry), {
      recursive: true,
      filter: (source) => !source.includes(`${path.sep}node_modules${path.sep}`),
    });
}
// node_modules: the root's packages, linked one by one, except the workspace packages (packages/,
// the isolation kit), which must resolve to the copy's own packages/ and not to the root's.
const workspaceScopes = new Set(['@bulkhead']);
mkdirSync(path.join(target, 'node_modules'));
for (const entry of readdirSync(path.join(root, 'node_modules'))) {
  if (!workspaceScopes.has(entry)) symlinkSync(path.join(root, 'node_modules', entry), path.join(target, 'node_modules', entry), 'dir');
}
for (const name of readdirSync(path.join(target, 'packages'))) {
  const manifest = JSON.parse(readFileSync(path.join(target, 'packages', name, 'package.json'), 'utf8')) as { name: string };
  mkdirSync(path.dirname(path.join(target, 'node_modules', manifest.name)), { recursive: true });
  symlinkSync(path.join(target, 'packages', name), path.join(target, 'node_modules', manifest.name), 'dir');
}
cpSync(path.join(root, 'e2e', 'control', 'leaky-customers-page.tsx'), path.join(target, 'app', 't', '[tenant]', 'customers', 'page.tsx'));

const build = spawnSync(process.execPath, ['node_modules/next/dist/bin/next', 'build'], {
  cwd: target,
  stdio: 'inherit',
  env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1' },
});
if (build.status !== 0 || !existsSync(path.join(target, '.next'))) process.exit(build.status ?? 1);

const server = spawn(process.execPath, ['--import', 'tsx', 'scripts/e2e-server.ts'], {
  cwd: target,
  stdio: 'inherit',
  env: { ...process.env, BULKHEAD_LEAK_CONTROL: '1' },
});
for (const signal of ['SIGTERM', 'SIGINT'] as const) process.on(signal, () => server.kill(signal));
server.on('exit', (code) => process.exit(code ?? 0));
