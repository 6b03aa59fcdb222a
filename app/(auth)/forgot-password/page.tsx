'use client';

import Link from 'next/link';
import { useActionState } from 'react';

import { EmailField } from '@/components/forms/account-fields';
import { FormError } from '@/components/forms/field';
import { SubmitButton } from '@/components/forms/submit-button';
import { Alert } from '@/components/ui/alert';
import { PageHeader } from '@/components/ui/page-header';

import { forgotPasswordAction } from './actions';

export default function ForgotPasswordPage() {
  const [state, submit] = useActionState(forgotPasswordAction, undefined);
  const failed = state && !state.ok ? state : undefined;
  return (
    <>
      <PageHeader title="Forgot your password?" description="We will email you a link to choose a new one." />
      {state?.ok ? (
        <Alert variant="success" className="mt-8 p-4" role="status">
          {state.message}
        </Alert>
      ) : (
        <form action={submit} className="mt-8 space-y-5" noValidate>
          <FormError message={failed?.formError} />
          <EmailField failed={failed} />
          <SubmitButton className="w-full" pendingLabel="Sending…">
            Send reset link
          </SubmitButton>
        </form>
      )}
      <p className="mt-6 text-center text-sm">
        <Link href="/sign-in" className="font-semibold text-primary">
          Back to sign in
        </Link>
      </p>
    </>
  );
}
