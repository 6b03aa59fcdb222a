'use server';

import { redirect } from 'next/navigation';
import { z } from 'zod';

import { newPassword } from '@/lib/account/fields';
import { resetPassword } from '@/lib/account/service';
import { publicActionWith } from '@/lib/actions/client';

/** A new password through the emailed link (single use, expiring). Bound to the link's token. */
export const resetPasswordAction = publicActionWith<[token: string]>().action(
  z.object({ password: newPassword }),
  async (input, _context, [token]) => {
    await resetPassword(token, input.password);
    redirect('/sign-in?changed=password');
  },
);
