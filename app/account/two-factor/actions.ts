'use server';

import { revalidatePath } from 'next/cache';
import { headers } from 'next/headers';
import { redirect } from 'next/navigation';
import { z } from 'zod';

import { signedInAction } from '@/lib/actions/user';
import { confirmTwoFactor, newRecoveryCodes, turnOffTwoFactor } from '@/lib/auth/two-factor/flows';
import { clientAddress } from '@/lib/http/client-address';

// The signed-in person's own second factor (lib/auth/two-factor/flows.ts).

const signedIn = signedInAction({ signInFrom: '/account/two-factor' });
const code = z.string().trim().min(1, 'Enter the 6-digit code from your authenticator app.').max(40, 'That is not a code.');
const address = async () => clientAddress(await headers());

/** Enrolment, step 2: the first code proves the app has the secret; two-factor is on; ten recovery codes, shown once. */
export const confirmTwoFactorAction = signedIn.action(z.object({ code }), async (input, { user }) => ({
  recoveryCodes: await confirmTwoFactor(user, input.code, await address()),
}));

/** New recovery codes (the old ones stop working); needs a current code from the app. */
export const regenerateRecoveryCodesAction = signedIn.action(z.object({ currentCode: code }), async (input, { user }) => {
  const recoveryCodes = await newRecoveryCodes(user, input.currentCode, await address());
  revalidatePath('/account/two-factor');
  return { recoveryCodes };
});

/** Two-factor off: the account's password (none for a GitHub-only account) and a code (or a recovery code). */
export const disableTwoFactorAction = signedIn.action(
  z.object({ password: z.string().max(200, 'Use at most 200 characters.').optional(), code }),
  async (input, { user }) => {
    await turnOffTwoFactor(user, input, await address());
    redirect('/account/two-factor?disabled=1');
  },
);
