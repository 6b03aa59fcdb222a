'use server';

import { redirect } from 'next/navigation';
import { z } from 'zod';
import { fieldErrorsOf, type ActionResult } from '@/lib/auth/entry';
import { currentUser } from '@/lib/auth/session';
import { slugify, slugSchema } from '@/lib/auth/slug';
import { createTenant, UniqueTakenError } from '@/lib/tenancy/lookups';

/** A signed-in user opens another workspace and becomes its owner. */
export async function createWorkspaceAction(_previous: unknown, formData: FormData): Promise<ActionResult> {
  const user = await currentUser();
  if (!user) redirect('/sign-in');
  const values = Object.fromEntries(formData) as Record<string, string>;
  const name = z.string().trim().min(2, 'Name your workspace (at least 2 characters).').max(80, 'Use at most 80 characters.').safeParse(values.workspace ?? '');
  const slug = slugSchema.safeParse(values.slug?.trim() || slugify(values.workspace ?? ''));
  if (!name.success || !slug.success) {
    return {
      ok: false,
      code: 'validation_failed',
      fieldErrors: { ...(name.success ? {} : { workspace: fieldErrorsOf(name.error).form ?? [] }), ...(slug.success ? {} : { slug: slug.error.issues.map((i) => i.message) }) },
      values,
    };
  }
  try {
    await createTenant({ userId: user.id, tenantName: name.data, slug: slug.data });
  } catch (error) {
    if (error instanceof UniqueTakenError) return { ok: false, code: 'conflict', fieldErrors: { slug: ['This address is taken. Choose another.'] }, values };
    throw error;
  }
  redirect(`/t/${slug.data}`);
}
