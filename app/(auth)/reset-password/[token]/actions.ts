'use server';

import { redirect } from 'next/navigation';
import { z } from 'zod';
import { resetPassword } from '@/lib/account/service';
import { fieldErrorsOf, type ActionResult } from '@/lib/auth/entry';
import { hashToken, isTokenShaped } from '@/lib/auth/tokens';
import { TokenRefusedError } from '@/lib/tenancy/lookups';

export async function resetPasswordAction(token: string, _previous: unknown, formData: FormData): Promise<ActionResult> {
  const parsed = z
    .object({ password: z.string().min(10, 'Use at least 10 characters.').max(200, 'Use at most 200 characters.') })
    .safeParse(Object.fromEntries(formData));
  if (!parsed.success) return { ok: false, code: 'validation_failed', fieldErrors: fieldErrorsOf(parsed.error) };
  if (!isTokenShaped(token)) return { ok: false, code: 'bad_request', formError: 'This link is no longer valid. Request a new one.' };
  try {
    await resetPassword(hashToken(token), parsed.data.password);
  } catch (error) {
    if (error instanceof TokenRefusedError) return { ok: false, code: 'bad_request', formError: error.message };
    throw error;
  }
  redirect('/sign-in?changed=password');
}
