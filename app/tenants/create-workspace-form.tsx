'use client';

import { useActionState } from 'react';

import { Field, FormError } from '@/components/forms/field';
import { SubmitButton } from '@/components/forms/submit-button';

import { createWorkspaceAction } from './actions';

export function CreateWorkspaceForm() {
  const [state, submit] = useActionState(createWorkspaceAction, undefined);
  const failed = state && !state.ok ? state : undefined;
  return (
    <form action={submit} className="space-y-4" noValidate aria-label="Create a workspace">
      <FormError message={failed?.formError} />
      <Field label="Workspace name" name="workspace" defaultValue={failed?.values?.workspace} errors={failed?.fieldErrors?.workspace} />
      <Field
        label="Workspace address"
        name="slug"
        defaultValue={failed?.values?.slug}
        hint="Leave empty to derive it from the name."
        errors={failed?.fieldErrors?.slug}
      />
      <SubmitButton pendingLabel="Creating…">Create workspace</SubmitButton>
    </form>
  );
}
