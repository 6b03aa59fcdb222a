'use server';

import { z } from 'zod';

import { currentPassword, email, newPassword } from '@/lib/account/fields';
import { changePassword, signOutEverywhere, startEmailChange } from '@/lib/account/service';
import { noInput } from '@/lib/actions/client';
import { signedInAction } from '@/lib/actions/user';
import { signOut } from '@/lib/auth/config';

const signedIn = signedInAction({ signInFrom: '/account' });

export const changePasswordAction = signedIn.action(
  z.object({ currentPassword: currentPassword('Enter your current password.'), newPassword }),
  async (input, { user }) => {
    await changePassword(user, input.currentPassword, input.newPassword);
    // Every session ended with the new session version, this one included: sign in again.
    await signOut({ redirectTo: '/sign-in?changed=password' });
  },
);

export const changeEmailAction = signedIn.action(z.object({ email, password: currentPassword() }), async (input, { user }) => {
  await startEmailChange(user, input.email, input.password);
  return { email: input.email };
});

export const signOutEverywhereAction = signedIn.formAction(noInput, async (_input, { user }) => {
  await signOutEverywhere(user.id);
  await signOut({ redirectTo: '/sign-in' });
});
