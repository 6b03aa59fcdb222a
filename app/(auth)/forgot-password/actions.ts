'use server';

import { headers } from 'next/headers';
import { z } from 'zod';

import { email } from '@/lib/account/fields';
import { requestPasswordReset } from '@/lib/account/service';
import { answer, publicAction } from '@/lib/actions/client';
import { clientAddress } from '@/lib/http/client-address';

/** The same answer, after the same work, whether or not an account exists: no probing for accounts. */
export const forgotPasswordAction = publicAction.action(z.object({ email }), async (input) => {
  await requestPasswordReset(input.email, clientAddress(await headers())); // refused: too many requests from this network
  return answer(undefined, `If an account exists for ${input.email}, we sent it a link to choose a new password.`);
});
