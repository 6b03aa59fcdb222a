'use client';

import { useActionState } from 'react';

import { FormError } from '@/components/forms/field';
import { SubmitButton } from '@/components/forms/submit-button';
import { Alert } from '@/components/ui/alert';
import type { ActionResult } from '@/lib/auth/entry';

type Action = (previous: unknown, formData: FormData) => Promise<ActionResult<unknown>>;

/**
 * A form that is one button: for links that must not act on a GET (mail scanners open links), and
 * for "send it again". Shows the refusal, or the success message, in place.
 */
export function ButtonForm({ action, label, pendingLabel }: { action: Action; label: string; pendingLabel?: string }) {
  const [state, submit] = useActionState(action, undefined);
  if (state?.ok && state.message) {
    return (
      <Alert variant="success" className="mt-6 p-4" role="status">
        {state.message}
      </Alert>
    );
  }
  return (
    <form action={submit} className="mt-6 space-y-4">
      <FormError message={state && !state.ok ? state.formError : undefined} />
      <SubmitButton className="w-full" pendingLabel={pendingLabel}>
        {label}
      </SubmitButton>
    </form>
  );
}
