'use client';

import { useActionState } from 'react';

import { Field, FormError } from '@/components/forms/field';
import { SubmitButton } from '@/components/forms/submit-button';

import { changeEmailAction, changePasswordAction } from './actions';

export function ChangePasswordForm() {
  const [state, submit] = useActionState(changePasswordAction, undefined);
  const failed = state && !state.ok ? state : undefined;
  return (
    <form action={submit} className="space-y-4" noValidate aria-label="Change password">
      <FormError message={failed?.formError} />
      <Field
        label="Current password"
        name="currentPassword"
        type="password"
        autoComplete="current-password"
        errors={failed?.fieldErrors?.currentPassword}
      />
      <Field
        label="New password"
        name="newPassword"
        type="password"
        autoComplete="new-password"
        hint="At least 10 characters. You will sign in again everywhere."
        errors={failed?.fieldErrors?.newPassword}
      />
      <SubmitButton pendingLabel="Saving…">Change password</SubmitButton>
    </form>
  );
}

export function ChangeEmailForm() {
  const [state, submit] = useActionState(changeEmailAction, undefined);
  const failed = state && !state.ok ? state : undefined;
  return (
    <form action={submit} className="space-y-4" noValidate aria-label="Change email">
      <FormError message={failed?.formError} />
      <Field label="New email" name="email" type="email" defaultValue={failed?.values?.email} errors={failed?.fieldErrors?.email} />
      <Field label="Password" name="password" type="password" autoComplete="current-password" errors={failed?.fieldErrors?.password} />
      <SubmitButton pendingLabel="Sending…">Send confirmation link</SubmitButton>
      {state?.ok ? (
        <p className="text-sm text-success" role="status">
          We sent a confirmation link to {state.data.email}. Your email changes when you open it.
        </p>
      ) : null}
    </form>
  );
}
