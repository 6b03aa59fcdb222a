import { twoFactorKeyProblem } from './auth/two-factor/crypto';
import { env } from './env';

// Fail fast on configuration a server cannot run without, or must never run with, naming the
// variable and what to do, instead of failing (or leaking) on the first request.

/** What is wrong with `source` for a server to start on, or undefined. Throws env()'s own errors. */
export function startupProblem(source: Record<string, string | undefined>): string | undefined {
  const production = source.NODE_ENV === 'production';
  if (production && !source.AUTH_SECRET) {
    return 'AUTH_SECRET is not set. Generate one with `openssl rand -base64 33` and set it in the environment.';
  }
  if (production && source.BULKHEAD_DEV_OUTBOX === '1') {
    // The outbox lists every mailed link — a password reset for any account is one page away.
    return (
      'BULKHEAD_DEV_OUTBOX=1 is refused with NODE_ENV=production: the dev outbox would show every reset and invitation link. ' +
      'Remove BULKHEAD_DEV_OUTBOX and set SMTP_URL (and MAIL_FROM) to send mail; tests read mail from MAIL_FILE instead.'
    );
  }
  // A malformed key would make every two-factor enrolment fail (or be unreadable) on first use.
  const twoFactorKey = twoFactorKeyProblem(source.TWO_FACTOR_KEY);
  if (twoFactorKey) return twoFactorKey;
  return undefined;
}

// Only in the server (instrumentation.ts imports this module when Next.js starts on Node.js): a
// test importing startupProblem must not end its own process.
if (process.env.NEXT_RUNTIME === 'nodejs') {
  try {
    env();
    const problem = startupProblem(process.env);
    if (problem) throw new Error(problem);
  } catch (error) {
    console.error(`\n[bulkhead] cannot start: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  }
}
