'use client';

import { useActionState } from 'react';

import { Field, FormError } from '@/components/forms/field';
import { SubmitButton } from '@/components/forms/submit-button';
import { Alert, AlertTitle } from '@/components/ui/alert';

import { confirmTwoFactorAction, disableTwoFactorAction, regenerateRecoveryCodesAction } from './actions';

function RecoveryCodes({ codes }: { codes: string[] }) {
  return (
    <Alert variant="warning" className="p-4" role="status">
      <AlertTitle>Save these recovery codes now. They are shown only this once.</AlertTitle>
      <p className="mt-1">Each signs you in once if you lose your authenticator app. Keep them somewhere safe, apart from your phone.</p>
      <ul className="mt-3 grid grid-cols-2 gap-1 font-mono text-sm text-foreground" data-testid="recovery-codes">
        {codes.map((code) => (
          <li key={code}>{code}</li>
        ))}
      </ul>
    </Alert>
  );
}

export function EnrolTwoFactorForm() {
  const [state, submit] = useActionState(confirmTwoFactorAction, undefined);
  if (state?.ok) {
    return (
      <div className="space-y-4">
        <p className="text-sm font-semibold text-success" data-testid="two-factor-enabled">
          Two-factor sign-in is on.
        </p>
        <RecoveryCodes codes={state.data.recoveryCodes} />
      </div>
    );
  }
  const failed = state && !state.ok ? state : undefined;
  return (
    <form action={submit} className="space-y-4" noValidate aria-label="Confirm two-factor">
      <FormError message={failed?.formError} />
      <Field label="Code from your app" name="code" autoComplete="one-time-code" inputMode="numeric" errors={failed?.fieldErrors?.code} />
      <SubmitButton pendingLabel="Checking…">Turn on two-factor</SubmitButton>
    </form>
  );
}

export function RegenerateRecoveryCodesForm() {
  const [state, submit] = useActionState(regenerateRecoveryCodesAction, undefined);
  const failed = state && !state.ok ? state : undefined;
  return (
    <div className="space-y-4">
      <form action={submit} className="space-y-4" noValidate aria-label="New recovery codes">
        <FormError message={failed?.formError} />
        <Field
          label="Current code from your app"
          name="currentCode"
          autoComplete="one-time-code"
          inputMode="numeric"
          errors={failed?.fieldErrors?.currentCode}
        />
        <SubmitButton variant="outline" pendingLabel="Checking…">
          Replace recovery codes
        </SubmitButton>
      </form>
      {state?.ok ? <RecoveryCodes codes={state.data.recoveryCodes} /> : null}
    </div>
  );
}

export function DisableTwoFactorForm({ needsPassword }: { needsPassword: boolean }) {
  const [state, submit] = useActionState(disableTwoFactorAction, undefined);
  const failed = state && !state.ok ? state : undefined;
  return (
    <form action={submit} className="space-y-4" noValidate aria-label="Turn off two-factor">
      <FormError message={failed?.formError} />
      {needsPassword ? (
        <Field label="Password" name="password" type="password" autoComplete="current-password" errors={failed?.fieldErrors?.password} />
      ) : null}
      <Field label="Code or recovery code" name="code" autoComplete="one-time-code" errors={failed?.fieldErrors?.code} />
      <SubmitButton variant="destructive" pendingLabel="Turning off…">
        Turn off two-factor
      </SubmitButton>
    </form>
  );
}
