'use server';

import { redirect } from 'next/navigation';
import { z } from 'zod';
import { signIn } from '@/lib/auth/config';
import { fieldErrorsOf, type ActionResult } from '@/lib/auth/entry';
import { hashPassword } from '@/lib/auth/password';
import { currentUser } from '@/lib/auth/session';
import { hashToken, isTokenShaped } from '@/lib/auth/tokens';
import { acceptInvitation, signUpInvited, TokenRefusedError, UniqueTakenError } from '@/lib/tenancy/lookups';

/** A signed-in user whose email matches the invitation joins the tenant. */
export async function acceptInviteAction(token: string): Promise<ActionResult> {
  const user = await currentUser();
  if (!user) return { ok: false, code: 'unauthorized', formError: 'Sign in first.' };
  if (!isTokenShaped(token)) return { ok: false, code: 'not_found', formError: 'This invitation link is not valid.' };
  let slug: string;
  try {
    slug = await acceptInvitation(hashToken(token), user.id);
  } catch (error) {
    if (error instanceof TokenRefusedError) return { ok: false, code: 'bad_request', formError: error.message };
    throw error;
  }
  redirect(`/t/${slug}`);
}

const newAccount = z.object({
  name: z.string().trim().min(1, 'Enter your name.').max(100, 'Use at most 100 characters.'),
  password: z.string().min(10, 'Use at least 10 characters.').max(200, 'Use at most 200 characters.'),
});

/** Someone without an account signs up through the invitation, with the invited email. */
export async function signUpInvitedAction(token: string, _previous: unknown, formData: FormData): Promise<ActionResult> {
  const values = { name: String(formData.get('name') ?? '') };
  const parsed = newAccount.safeParse(Object.fromEntries(formData));
  if (!parsed.success) return { ok: false, code: 'validation_failed', fieldErrors: fieldErrorsOf(parsed.error), values };
  if (!isTokenShaped(token)) return { ok: false, code: 'not_found', formError: 'This invitation link is not valid.', values };
  let created: { email: string; tenantSlug: string };
  try {
    created = await signUpInvited({ tokenHash: hashToken(token), name: parsed.data.name, passwordHash: await hashPassword(parsed.data.password) });
  } catch (error) {
    if (error instanceof TokenRefusedError) return { ok: false, code: 'bad_request', formError: error.message, values };
    if (error instanceof UniqueTakenError) return { ok: false, code: 'conflict', formError: 'An account with this email already exists: sign in to accept.', values };
    throw error;
  }
  await signIn('credentials', { email: created.email, password: parsed.data.password, redirectTo: `/t/${created.tenantSlug}` });
  return { ok: true, data: undefined };
}
