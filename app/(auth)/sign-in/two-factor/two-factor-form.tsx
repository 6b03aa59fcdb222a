'use client';

import { useActionState } from 'react';

import { Field, FormError } from '@/components/forms/field';
import { SubmitButton } from '@/components/forms/submit-button';

import { verifySignInCodeAction } from './actions';

export function TwoFactorSignInForm({ callbackUrl }: { callbackUrl: string }) {
  const [state, action] = useActionState(verifySignInCodeAction, undefined);
  const failed = state && !state.ok ? state : undefined;
  return (
    <form action={action} className="space-y-5" noValidate aria-label="Two-factor code">
      <FormError message={failed?.formError} />
      <input type="hidden" name="callbackUrl" value={callbackUrl} />
      <Field
        label="Code"
        name="code"
        autoComplete="one-time-code"
        inputMode="text"
        autoFocus
        hint="6 digits from your authenticator app, or one of your recovery codes (XXXX-XXXX-XXXX-XXXX)."
        errors={failed?.fieldErrors?.code}
      />
      <SubmitButton className="w-full" pendingLabel="Checking…">
        Verify
      </SubmitButton>
    </form>
  );
}
