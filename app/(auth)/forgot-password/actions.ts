'use server';

import { z } from 'zod';
import { requestPasswordReset } from '@/lib/account/service';
import { fieldErrorsOf, type ActionResult } from '@/lib/auth/entry';

export async function forgotPasswordAction(_previous: unknown, formData: FormData): Promise<ActionResult> {
  const values = { email: String(formData.get('email') ?? '') };
  const parsed = z.object({ email: z.string().trim().toLowerCase().email('Enter a valid email address.') }).safeParse(Object.fromEntries(formData));
  if (!parsed.success) return { ok: false, code: 'validation_failed', fieldErrors: fieldErrorsOf(parsed.error), values };
  await requestPasswordReset(parsed.data.email);
  // The same answer whether or not an account exists: no probing for accounts.
  return { ok: true, data: undefined, message: `If an account exists for ${parsed.data.email}, we sent it a link to choose a new password.` };
}
