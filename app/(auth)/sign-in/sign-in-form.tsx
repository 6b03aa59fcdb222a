'use client';

import Link from 'next/link';
import { useActionState } from 'react';

import { CurrentPasswordField, EmailField } from '@/components/forms/account-fields';
import { FormError } from '@/components/forms/field';
import { SubmitButton } from '@/components/forms/submit-button';

import { signInAction } from './actions';

export function SignInForm({ callbackUrl }: { callbackUrl?: string }) {
  const [state, action] = useActionState(signInAction, undefined);
  const failed = state && !state.ok ? state : undefined;
  return (
    <form action={action} className="space-y-5" noValidate>
      <FormError message={failed?.formError} />
      <input type="hidden" name="callbackUrl" value={callbackUrl ?? ''} />
      <EmailField failed={failed} required />
      <CurrentPasswordField failed={failed} required />
      <p className="-mt-2 text-right text-sm">
        <Link href="/forgot-password" className="text-primary hover:underline">
          Forgot your password?
        </Link>
      </p>
      <SubmitButton className="w-full" pendingLabel="Signing in…">
        Sign in
      </SubmitButton>
      <p className="text-center text-sm text-muted-foreground">
        New here?{' '}
        <Link href="/sign-up" className="font-semibold text-primary hover:underline">
          Create a workspace
        </Link>
      </p>
    </form>
  );
}
