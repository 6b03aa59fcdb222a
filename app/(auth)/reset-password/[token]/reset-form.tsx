'use client';

import { useActionState } from 'react';

import { NewPasswordField } from '@/components/forms/account-fields';
import { FormError } from '@/components/forms/field';
import { SubmitButton } from '@/components/forms/submit-button';
import type { ActionResult } from '@/lib/auth/entry';

export function ResetForm({ action }: { action: (previous: unknown, formData: FormData) => Promise<ActionResult> }) {
  const [state, submit] = useActionState(action, undefined);
  const failed = state && !state.ok ? state : undefined;
  return (
    <form action={submit} className="mt-8 space-y-5" noValidate>
      <FormError message={failed?.formError} />
      <NewPasswordField failed={failed} label="New password" />
      <SubmitButton className="w-full" pendingLabel="Saving…">
        Set new password
      </SubmitButton>
    </form>
  );
}
