import { z } from 'zod';

import { slugify, slugSchema } from '../auth';
import { fieldErrorsOf, type FieldErrors } from '../errors';
import { email } from '../validation';
import { NEW_PASSWORD_MAX_LENGTH, NEW_PASSWORD_MIN_LENGTH } from './password-rule';

// The account forms' rules, once: sign-up, invitations, password reset and change, the email
// change and new workspaces all read them from here.

export { email };

/** A password someone chooses. Checked for length only: long passphrases are welcome. */
export const newPassword = z
  .string()
  .min(NEW_PASSWORD_MIN_LENGTH, `Use at least ${NEW_PASSWORD_MIN_LENGTH} characters.`)
  .max(NEW_PASSWORD_MAX_LENGTH, `Use at most ${NEW_PASSWORD_MAX_LENGTH} characters.`);

/** A password someone types to prove it is them. */
export const currentPassword = (message = 'Enter your password.') => z.string().min(1, message).max(200, 'Use at most 200 characters.');

export const personName = z.string().trim().min(1, 'Enter your name.').max(100, 'Use at most 100 characters.');

export const workspaceName = z.string().trim().min(2, 'Name your workspace (at least 2 characters).').max(80, 'Use at most 80 characters.');

type Parsed<T> = { success: true; data: T } | { success: false; fieldErrors: FieldErrors };

/**
 * A form with a workspace name and an optional address (slug): the slug, derived from the name when
 * left empty, is checked even when other fields already failed, so every error shows at once.
 */
export function withWorkspace<Shape extends z.ZodRawShape>(shape: Shape) {
  const fields = z.object({ ...shape, workspace: workspaceName });
  return (raw: Record<string, string>): Parsed<z.infer<typeof fields> & { slug: string }> => {
    const parsed = fields.safeParse(raw);
    const slug = slugSchema.safeParse(raw.slug?.trim() || slugify(raw.workspace ?? ''));
    if (parsed.success && slug.success) return { success: true, data: { ...parsed.data, slug: slug.data } };
    return {
      success: false,
      fieldErrors: {
        ...(parsed.success ? {} : fieldErrorsOf(parsed.error)),
        ...(slug.success ? {} : { slug: slug.error.issues.map((issue) => issue.message) }),
      },
    };
  };
}

export const signUpInput = withWorkspace({ name: personName, email, password: newPassword });

export const newWorkspaceInput = withWorkspace({});

export const invitedAccountInput = z.object({ name: personName, password: newPassword });
