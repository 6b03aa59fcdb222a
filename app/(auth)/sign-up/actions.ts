'use server';

import { z } from 'zod';
import { signIn } from '@/lib/auth/config';
import { fieldErrorsOf, type ActionResult } from '@/lib/auth/entry';
import { hashPassword } from '@/lib/auth/password';
import { slugify, slugSchema } from '@/lib/auth/slug';
import { signUp, UniqueTakenError } from '@/lib/tenancy/lookups';

const schema = z.object({
  name: z.string().trim().min(1, 'Enter your name.').max(100, 'Use at most 100 characters.'),
  email: z.string().trim().toLowerCase().email('Enter a valid email address.').max(320),
  password: z.string().min(10, 'Use at least 10 characters.').max(200, 'Use at most 200 characters.'),
  workspace: z.string().trim().min(2, 'Name your workspace (at least 2 characters).').max(80, 'Use at most 80 characters.'),
  slug: z.string().trim().optional(),
});

/** Every field error at once: the slug (derived from the workspace name when left empty) is checked
 *  even when other fields already failed. */
function parse(formData: FormData) {
  const raw = Object.fromEntries(formData) as Record<string, string>;
  const fields = schema.safeParse(raw);
  const slug = slugSchema.safeParse(raw.slug?.trim() || slugify(raw.workspace ?? ''));
  const fieldErrors = { ...(fields.success ? {} : fieldErrorsOf(fields.error)), ...(slug.success ? {} : { slug: slug.error.issues.map((i) => i.message) }) };
  if (!fields.success || !slug.success) return { ok: false as const, fieldErrors };
  return { ok: true as const, data: { ...fields.data, slug: slug.data } };
}

/** Creates the user, the tenant and the owner membership in one transaction, then signs in. */
export async function signUpAction(_previous: unknown, formData: FormData): Promise<ActionResult> {
  const { password: _password, ...values } = Object.fromEntries(formData) as Record<string, string>;
  const parsed = parse(formData);
  if (!parsed.ok) return { ok: false, code: 'validation_failed', fieldErrors: parsed.fieldErrors, values };
  const input = parsed.data;
  try {
    await signUp({ email: input.email, name: input.name, passwordHash: await hashPassword(input.password), tenantName: input.workspace, slug: input.slug });
  } catch (error) {
    if (error instanceof UniqueTakenError) {
      return { ok: false, code: 'conflict', fieldErrors: { [error.field]: [error.field === 'email' ? 'An account with this email already exists. Sign in instead.' : 'This address is taken. Choose another.'] }, values };
    }
    throw error;
  }
  await signIn('credentials', { email: input.email, password: input.password, redirectTo: `/t/${input.slug}` });
  return { ok: true, data: undefined };
}
