'use server';

import { redirect } from 'next/navigation';

import { confirmEmailChange } from '@/lib/account/service';
import { noInput, publicActionWith } from '@/lib/actions/client';

/** Confirms an email change: a POST from the link's page, never the GET that opened it. */
export const confirmEmailChangeAction = publicActionWith<[token: string]>().action(noInput, async (_input, _context, [token]) => {
  await confirmEmailChange(token);
  // Every session ended with the change: sign in again, with the new address.
  redirect('/sign-in?changed=email');
});
