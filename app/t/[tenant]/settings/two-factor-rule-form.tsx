'use client';

import { useActionState } from 'react';

import { FormError } from '@/components/forms/field';
import { SubmitButton } from '@/components/forms/submit-button';
import type { ActionResult } from '@/lib/auth/entry';

export function TwoFactorRuleForm({
  action,
  required,
}: {
  action: (previous: unknown, formData: FormData) => Promise<ActionResult<{ required: boolean }>>;
  required: boolean;
}) {
  const [state, submit] = useActionState(action, undefined);
  const failed = state && !state.ok ? state : undefined;
  return (
    <form action={submit} className="space-y-3" noValidate aria-label="Two-factor rule">
      <FormError message={failed?.formError ?? failed?.fieldErrors?.requireTwoFactor?.join(' ')} />
      <input type="hidden" name="requireTwoFactor" value={required ? 'off' : 'on'} />
      <SubmitButton pendingLabel="Saving…" variant={required ? 'outline' : undefined}>
        {required ? 'Stop requiring two-factor' : 'Require two-factor for all members'}
      </SubmitButton>
      {state?.ok ? (
        <p className="text-sm text-success" role="status">
          {state.data.required ? 'Members must now use two-factor sign-in.' : 'Two-factor sign-in is no longer required.'}
        </p>
      ) : null}
    </form>
  );
}
