'use server';

import { headers } from 'next/headers';
import { redirect } from 'next/navigation';
import { z } from 'zod';

import { publicAction, refusal } from '@/lib/actions/client';
import { signOut, updateSession } from '@/lib/auth/config';
import { safeReturnPath } from '@/lib/auth/redirects';
import { pendingTwoFactor } from '@/lib/auth/session';
import { verifySignInCode } from '@/lib/auth/two-factor/flows';
import { AppError } from '@/lib/errors';
import { clientAddress } from '@/lib/http/client-address';

const schema = z.object({
  code: z.string().trim().min(1, 'Enter the code from your authenticator app, or a recovery code.').max(40, 'That is not a code.'),
  callbackUrl: z.string().optional(),
});

/**
 * Step 2 of signing in for a person with two-factor on (lib/auth/two-factor/flows.ts). A right code
 * records a one-time pass for this session's nonce; the session update then claims it and the token
 * becomes a full session.
 */
export const verifySignInCodeAction = publicAction
  .use(async () => {
    const pending = await pendingTwoFactor();
    return pending ? { pending } : refusal('unauthorized', 'This sign-in has expired. Sign in again with your password.');
  })
  .action(schema, async (input, { pending }) => {
    const used = await verifySignInCode(pending, input.code, clientAddress(await headers()));
    const session = await updateSession({});
    if (!session || session.twoFactorPending) {
      throw new AppError('conflict', 'Your sign-in could not be completed. Sign in again with your password.');
    }
    // After a recovery code, the account page says how many are left (and offers new ones).
    if (used.method === 'recovery') redirect(`/account/two-factor?recovery=${used.recoveryCodesLeft}`);
    redirect(safeReturnPath(input.callbackUrl));
  });

/** Gives up half-way: the pending session ends. */
export const cancelTwoFactorSignInAction = publicAction.formAction(z.object({}), async () => {
  await signOut({ redirectTo: '/sign-in' });
});
