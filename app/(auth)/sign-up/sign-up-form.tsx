'use client';

import Link from 'next/link';
import { useActionState, useState } from 'react';
import { Field, FormError } from '@/components/forms/field';
import { SubmitButton } from '@/components/forms/submit-button';
import { signUpAction } from './actions';

const slugFrom = (name: string) =>
  name.normalize('NFKD').replace(/[\u0300-\u036f]/g, '').toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 48);

export function SignUpForm() {
  const [state, action] = useActionState(signUpAction, undefined);
  const failed = state && !state.ok ? state : undefined;
  const [workspace, setWorkspace] = useState(failed?.values?.workspace ?? '');
  const [slug, setSlug] = useState<string | undefined>(failed?.values?.slug || undefined);
  return (
    <form action={action} className="space-y-5" noValidate>
      <FormError message={failed?.formError} />
      <Field label="Your name" name="name" autoComplete="name" required defaultValue={failed?.values?.name} errors={failed?.fieldErrors?.name} />
      <Field label="Work email" name="email" type="email" autoComplete="email" required defaultValue={failed?.values?.email} errors={failed?.fieldErrors?.email} />
      <Field label="Password" name="password" type="password" autoComplete="new-password" required hint="At least 10 characters." errors={failed?.fieldErrors?.password} />
      <Field label="Workspace name" name="workspace" required value={workspace} onChange={(e) => setWorkspace(e.target.value)} errors={failed?.fieldErrors?.workspace} />
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
      <p className="text-center text-sm text-slate-600">
        Already have an account?{' '}
        <Link href="/sign-in" className="font-semibold text-brand-600 hover:text-brand-700">
          Sign in
        </Link>
      </p>
    </form>
  );
}
