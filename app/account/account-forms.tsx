'use client';

import { useActionState } from 'react';

import { CurrentPasswordField, EmailField, NewPasswordField } from '@/components/forms/account-fields';
import { FormError } from '@/components/forms/field';
import { SubmitButton } from '@/components/forms/submit-button';

import { changeEmailAction, changePasswordAction } from './actions';

export function ChangePasswordForm() {
  const [state, submit] = useActionState(changePasswordAction, undefined);
  const failed = state && !state.ok ? state : undefined;
  return (
    <form action={submit} className="space-y-4" noValidate aria-label="Change password">
      <FormError message={failed?.formError} />
      <CurrentPasswordField failed={failed} name="currentPassword" label="Current password" />
      <NewPasswordField failed={failed} name="newPassword" label="New password" then="You will sign in again everywhere." />
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
      <EmailField failed={failed} label="New email" />
      <CurrentPasswordField failed={failed} />
      <SubmitButton pendingLabel="Sending…">Send confirmation link</SubmitButton>
      {state?.ok ? (
        <p className="text-sm text-success" role="status">
          We sent a confirmation link to {state.data.email}. Your email changes when you open it.
        </p>
      ) : null}
    </form>
  );
}
