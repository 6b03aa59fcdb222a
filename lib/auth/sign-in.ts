import { AuthError } from 'next-auth';

import { AppError } from '../errors';
import { signIn } from './config';
import { safeReturnPath } from './redirects';

// Signing in with a password, as the sign-in form does it: through Auth.js's credentials provider
// (which throttles — lib/auth/throttle.ts — and checks the password), then through the two-factor
// step, which asks for a code when the account has two-factor on and passes everyone else on.

function tooManyAttempts(seconds: number): string {
  const wait = seconds < 90 ? `${seconds} seconds` : `${Math.ceil(seconds / 60)} minutes`;
  return `Too many sign-in attempts for this account from your network. Wait ${wait}, or reset your password.`;
}

/** Signs in; success is Next's redirect (thrown), a refusal an AppError. */
export async function signInWithPassword(input: { email: string; password: string; callbackUrl?: string }): Promise<void> {
  try {
    await signIn('credentials', {
      email: input.email,
      password: input.password,
      redirectTo: `/sign-in/two-factor?callbackUrl=${encodeURIComponent(safeReturnPath(input.callbackUrl))}`,
    });
  } catch (error) {
    // Success is a redirect, which Next throws; only Auth.js errors are ours to turn into a message.
    if (!(error instanceof AuthError)) throw error;
    const wait = /^too_many_attempts:(\d+)$/.exec((error as { code?: string }).code ?? '');
    if (wait) throw new AppError('rate_limited', tooManyAttempts(Number(wait[1])));
    if ((error as { code?: string }).code === 'attempts_uncounted')
      throw new AppError('rate_limited', 'We could not check sign-in attempts just now. Wait a few seconds and try again.');
    throw new AppError('unauthorized', 'That email and password do not match an account.');
  }
}
