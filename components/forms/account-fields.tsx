import type { ComponentProps } from 'react';

import { Field } from '@/components/forms/field';
import { NEW_PASSWORD_MIN_LENGTH } from '@/lib/account/password-rule';
import type { ActionFailure } from '@/lib/actions/client';

// The fields every account form has — an email, a password typed to prove who you are, a password
// someone chooses — once, with the autocomplete hints password managers rely on and the password
// rule's hint read from the rule itself (lib/account/password-rule.ts). Each takes the form's failed
// state: what was typed comes back (never a password), and the field's errors show under it.

type Failed = ActionFailure | undefined;
type Extra = Omit<ComponentProps<typeof Field>, 'name' | 'label' | 'errors' | 'type'> & { name?: string; label?: string };

/** The hint under a new password: the rule's own minimum. */
export const NEW_PASSWORD_HINT = `At least ${NEW_PASSWORD_MIN_LENGTH} characters.`;

export function EmailField({ failed, name = 'email', label = 'Email', ...props }: Extra & { failed: Failed }) {
  return (
    <Field
      label={label}
      name={name}
      type="email"
      autoComplete="email"
      defaultValue={failed?.values?.[name]}
      errors={failed?.fieldErrors?.[name]}
      {...props}
    />
  );
}

export function CurrentPasswordField({ failed, name = 'password', label = 'Password', ...props }: Extra & { failed: Failed }) {
  return (
    <Field label={label} name={name} type="password" autoComplete="current-password" errors={failed?.fieldErrors?.[name]} {...props} />
  );
}

export function NewPasswordField({
  failed,
  name = 'password',
  label = 'Password',
  then,
  ...props
}: Extra & { failed: Failed; /** Said after the rule, e.g. "You will sign in again everywhere." */ then?: string }) {
  return (
    <Field
      label={label}
      name={name}
      type="password"
      autoComplete="new-password"
      hint={then ? `${NEW_PASSWORD_HINT} ${then}` : NEW_PASSWORD_HINT}
      errors={failed?.fieldErrors?.[name]}
      {...props}
    />
  );
}
