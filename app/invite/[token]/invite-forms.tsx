'use client';

import { useActionState } from 'react';

import { NewPasswordField } from '@/components/forms/account-fields';
import { Field, FormError } from '@/components/forms/field';
import { SubmitButton } from '@/components/forms/submit-button';
import type { ActionResult } from '@/lib/auth/entry';

export function AcceptForm({ action }: { action: (previous: unknown, formData: FormData) => Promise<ActionResult<unknown>> }) {
  const [state, submit] = useActionState(action, undefined);
  return (
    <form action={submit} className="space-y-4">
      <FormError message={state && !state.ok ? state.formError : undefined} />
      <SubmitButton className="w-full" pendingLabel="Joining…">
        Accept and join
      </SubmitButton>
    </form>
  );
}

export function InvitedSignUpForm({
  action,
  email,
}: {
  action: (previous: unknown, formData: FormData) => Promise<ActionResult>;
  email: string;
}) {
  const [state, submit] = useActionState(action, undefined);
  const failed = state && !state.ok ? state : undefined;
  return (
    <form action={submit} className="space-y-4" noValidate>
      <FormError message={failed?.formError} />
      <Field label="Email" name="email-display" value={email} readOnly disabled />
      <Field label="Your name" name="name" required defaultValue={failed?.values?.name} errors={failed?.fieldErrors?.name} />
      <NewPasswordField failed={failed} label="Choose a password" required />
      <SubmitButton className="w-full" pendingLabel="Creating your account…">
        Create account and join
      </SubmitButton>
    </form>
  );
}
