'use server';

import { AuthError } from 'next-auth';
import { z } from 'zod';
import { signIn } from '@/lib/auth/config';
import { fieldErrorsOf, type ActionResult } from '@/lib/auth/entry';
import { safeReturnPath } from '@/lib/auth/redirects';

const schema = z.object({
  email: z.string().trim().toLowerCase().email('Enter your email address.'),
  password: z.string().min(1, 'Enter your password.'),
  callbackUrl: z.string().optional(),
});

export async function signInAction(_previous: unknown, formData: FormData): Promise<ActionResult> {
  const values = { email: String(formData.get('email') ?? '') };
  const parsed = schema.safeParse(Object.fromEntries(formData));
  if (!parsed.success) return { ok: false, code: 'validation_failed', fieldErrors: fieldErrorsOf(parsed.error), values };
  try {
    await signIn('credentials', {
      email: parsed.data.email,
      password: parsed.data.password,
      redirectTo: safeReturnPath(parsed.data.callbackUrl),
    });
  } catch (error) {
    // Success is a redirect, which Next throws; only Auth.js errors are ours to turn into a message.
    if (error instanceof AuthError) {
      return { ok: false, code: 'unauthorized', formError: 'That email and password do not match an account.', values };
    }
    throw error;
  }
  return { ok: true, data: undefined };
}
