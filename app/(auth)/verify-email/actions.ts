'use server';

import { headers } from 'next/headers';
import { redirect } from 'next/navigation';

import { confirmEmailAddress, resendVerification } from '@/lib/account/service';
import { answer, noInput, publicActionWith } from '@/lib/actions/client';
import { signedInAction } from '@/lib/actions/user';
import { currentUser } from '@/lib/auth/session';
import { clientAddress } from '@/lib/http/client-address';

/** "Send the link again", for the signed-in, unverified user. */
export const resendVerificationAction = signedInAction({ signInFrom: '/verify-email' }).action(noInput, async (_input, { user }) => {
  if (user.emailVerified) redirect('/tenants');
  await resendVerification(user, clientAddress(await headers()));
  return answer(undefined, `We sent a new link to ${user.email}. Earlier links no longer work.`);
});

/** The button on the page the emailed link opens: a POST, so that opening the link confirms nothing. */
export const confirmEmailAddressAction = publicActionWith<[token: string]>().action(noInput, async (_input, _context, [token]) => {
  await confirmEmailAddress(token);
  // A session that was waiting for this goes straight on; anyone else signs in.
  redirect((await currentUser()) ? '/tenants' : '/sign-in?verified=1');
});
