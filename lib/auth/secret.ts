import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

// The key that signs session tokens. Production must set AUTH_SECRET (start-up stops without it,
// see instrumentation.ts). In development one is generated once and kept in .data/ (git-ignored),
// so sessions survive restarts without anyone copying a secret around.

const DEV_SECRET_FILE = path.join(process.cwd(), '.data', 'auth-secret');

export function authSecret(): string {
  if (process.env.AUTH_SECRET) return process.env.AUTH_SECRET;
  if (process.env.NODE_ENV === 'production') {
    throw new Error('AUTH_SECRET is not set. Generate one with `openssl rand -base64 33` and set it in the environment.');
  }
  if (!existsSync(DEV_SECRET_FILE)) {
    mkdirSync(path.dirname(DEV_SECRET_FILE), { recursive: true });
    writeFileSync(DEV_SECRET_FILE, randomBytes(33).toString('base64'), { mode: 0o600 });
  }
  return readFileSync(DEV_SECRET_FILE, 'utf8').trim();
}
