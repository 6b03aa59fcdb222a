'use client';

import { useActionState } from 'react';

import { Field, FormError } from '@/components/forms/field';
import { SubmitButton } from '@/components/forms/submit-button';
import type { ActionResult } from '@/lib/auth/entry';

export function ResetForm({ action }: { action: (previous: unknown, formData: FormData) => Promise<ActionResult> }) {
  const [state, submit] = useActionState(action, undefined);
  const failed = state && !state.ok ? state : undefined;
  return (
    <form action={submit} className="mt-8 space-y-5" noValidate>
      <FormError message={failed?.formError} />
      <Field
        label="New password"
        name="password"
        type="password"
        autoComplete="new-password"
        hint="At least 10 characters."
        errors={failed?.fieldErrors?.password}
      />
      <SubmitButton className="w-full" pendingLabel="Saving…">
        Set new password
      </SubmitButton>
    </form>
  );
}
