'use client';

import Link from 'next/link';
import { useActionState, useState } from 'react';

import { EmailField, NewPasswordField } from '@/components/forms/account-fields';
import { Field, FormError } from '@/components/forms/field';
import { SubmitButton } from '@/components/forms/submit-button';
import { Alert } from '@/components/ui/alert';
import { slugify as slugFrom } from '@/lib/auth/slug';

import { signUpAction } from './actions';

export function SignUpForm() {
  const [state, action] = useActionState(signUpAction, undefined);
  const failed = state && !state.ok ? state : undefined;
  const [workspace, setWorkspace] = useState(failed?.values?.workspace ?? '');
  const [slug, setSlug] = useState<string | undefined>(failed?.values?.slug || undefined);
  if (state?.ok) {
    return (
      <div className="space-y-4">
        <Alert variant="success" className="p-4" role="status" data-testid="sign-up-sent">
          {state.message}
        </Alert>
        <p className="text-sm text-muted-foreground">
          Nothing arrived? Check your spam folder, or{' '}
          <Link href="/sign-in" className="font-semibold text-primary hover:underline">
            sign in
          </Link>{' '}
          to ask for a new link.
        </p>
      </div>
    );
  }
  return (
    <form action={action} className="space-y-5" noValidate>
      <FormError message={failed?.formError} />
      <Field
        label="Your name"
        name="name"
        autoComplete="name"
        required
        defaultValue={failed?.values?.name}
        errors={failed?.fieldErrors?.name}
      />
      <EmailField failed={failed} label="Work email" required />
      <NewPasswordField failed={failed} required />
      <Field
        label="Workspace name"
        name="workspace"
        required
        value={workspace}
        onChange={(e) => setWorkspace(e.target.value)}
        errors={failed?.fieldErrors?.workspace}
      />
      <Field
        label="Workspace address"
        name="slug"
        value={slug ?? slugFrom(workspace)}
        onChange={(e) => setSlug(e.target.value)}
        hint={`Your workspace will live at /t/${slug ?? (slugFrom(workspace) || 'your-company')}`}
        errors={failed?.fieldErrors?.slug}
      />
      <SubmitButton className="w-full" pendingLabel="Creating your workspace…">
        Create workspace
      </SubmitButton>
      <p className="text-center text-sm text-muted-foreground">
        Already have an account?{' '}
        <Link href="/sign-in" className="font-semibold text-primary hover:underline">
          Sign in
        </Link>
      </p>
    </form>
  );
}
