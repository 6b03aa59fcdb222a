'use server';

import { headers } from 'next/headers';

import { signUpInput } from '@/lib/account/fields';
import { signUp } from '@/lib/account/service';
import { answer, publicAction } from '@/lib/actions/client';
import { clientAddress } from '@/lib/http/client-address';

/**
 * Verify-first sign-up (lib/account/service.ts): the answer is "check your inbox" whether the email
 * is new (a verification link goes out) or already has an account (its owner is told someone
 * tried), so the form cannot be used to find out who has an account. Nobody is signed in here.
 */
export const signUpAction = publicAction.action(signUpInput, async (input) => {
  await signUp(input, clientAddress(await headers()));
  return answer(
    { email: input.email },
    `Check your inbox: we sent a message to ${input.email}. Open the link in it to confirm your address and open your workspace.`,
  );
});
