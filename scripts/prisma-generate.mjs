// Runs `prisma generate` on every machine, online or not.
//
// Prisma 7's CLI downloads its native schema engine before any command, even `generate`, which
// never runs it (generation is WebAssembly). Where that download host is unreachable the command
// fails. Pointing PRISMA_SCHEMA_ENGINE_BINARY at any existing file skips the download. We set it
// only in this child's environment, so a later `prisma migrate` in the user's shell still fetches
// and uses the real engine.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const cli = fileURLToPath(new URL('../node_modules/prisma/build/index.js', import.meta.url));

if (!existsSync(cli)) {
  console.error('prisma-generate: the prisma CLI is not installed; run `npm install` first.');
  process.exit(1);
}

const env = { ...process.env, PRISMA_HIDE_UPDATE_MESSAGE: '1', CHECKPOINT_DISABLE: '1' };
if (!env.PRISMA_SCHEMA_ENGINE_BINARY) env.PRISMA_SCHEMA_ENGINE_BINARY = cli;

const result = spawnSync(process.execPath, [cli, 'generate'], { cwd: root, env, stdio: 'inherit' });
process.exit(result.status ?? 1);
