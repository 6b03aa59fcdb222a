'use server';

import { redirect } from 'next/navigation';
import { z } from 'zod';
import { changePassword, signOutEverywhere, startEmailChange } from '@/lib/account/service';
import { signOut } from '@/lib/auth/config';
import { failure, fieldErrorsOf, type ActionResult } from '@/lib/auth/entry';
import { currentUser } from '@/lib/auth/session';

const password = z.string().min(10, 'Use at least 10 characters.').max(200, 'Use at most 200 characters.');

async function signedIn() {
  const user = await currentUser();
  if (!user) redirect('/sign-in?callbackUrl=%2Faccount');
  return user;
}

export async function changePasswordAction(_previous: unknown, formData: FormData): Promise<ActionResult> {
  const user = await signedIn();
  const parsed = z
    .object({ currentPassword: z.string().min(1, 'Enter your current password.'), newPassword: password })
    .safeParse(Object.fromEntries(formData));
  if (!parsed.success) return { ok: false, code: 'validation_failed', fieldErrors: fieldErrorsOf(parsed.error) };
  try {
    await changePassword(user, parsed.data.currentPassword, parsed.data.newPassword);
  } catch (error) {
    return failure(error);
  }
  // Every session ended with the new session version, this one included: sign in again.
  await signOut({ redirectTo: '/sign-in?changed=password' });
  return { ok: true, data: undefined };
}

export async function changeEmailAction(_previous: unknown, formData: FormData): Promise<ActionResult<{ email: string }>> {
  const user = await signedIn();
  const values = { email: String(formData.get('email') ?? '') };
  const parsed = z
    .object({ email: z.string().trim().toLowerCase().email('Enter a valid email address.').max(320), password: z.string().min(1, 'Enter your password.') })
    .safeParse(Object.fromEntries(formData));
  if (!parsed.success) return { ok: false, code: 'validation_failed', fieldErrors: fieldErrorsOf(parsed.error), values };
  try {
    await startEmailChange(user, parsed.data.email, parsed.data.password);
  } catch (error) {
    return failure(error, values);
  }
  return { ok: true, data: { email: parsed.data.email } };
}

export async function signOutEverywhereAction(): Promise<void> {
  const user = await signedIn();
  await signOutEverywhere(user.id);
  await signOut({ redirectTo: '/sign-in' });
}
