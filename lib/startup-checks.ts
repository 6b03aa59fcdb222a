import { env } from './env';

// Fail fast on configuration a server cannot run without, naming the variable, instead of failing
// on the first request.
try {
  env();
  if (process.env.NODE_ENV === 'production' && !process.env.AUTH_SECRET) {
    throw new Error('AUTH_SECRET is not set. Generate one with `openssl rand -base64 33` and set it in the environment.');
  }
} catch (error) {
  console.error(`\n[bulkhead] cannot start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
}
