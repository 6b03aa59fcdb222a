import type { ReactNode } from 'react';

import type { ActionResult } from '@/lib/auth/entry';

import { FormError } from './field';
import { formErrorOf, RecordIdentity } from './record-identity';
import { SubmitButton } from './submit-button';

/**
 * The two-column form that creates or edits one record (a customer, a product): which record and
 * version it saves, the form's own message, the fields, then the save button and "Saved." once the
 * action succeeded. `submit` and `state` are the pair useActionState returned.
 */
export function RecordForm({
  label,
  record,
  submit,
  state,
  submitLabel,
  children,
}: {
  /** The form's accessible name. */
  label: string;
  record?: { id?: string; version?: number };
  submit: (formData: FormData) => void;
  state: ActionResult<unknown> | undefined;
  submitLabel: string;
  children: ReactNode;
}) {
  return (
    <form action={submit} className="grid gap-5 sm:grid-cols-2" noValidate aria-label={label}>
      <RecordIdentity record={record} />
      <div className="sm:col-span-2">
        <FormError message={formErrorOf(state && !state.ok ? state : undefined)} />
      </div>
      {children}
      <div className="flex items-center gap-3 sm:col-span-2">
        <SubmitButton pendingLabel="Saving…">{submitLabel}</SubmitButton>
        {state?.ok ? (
          <p className="text-sm text-success" role="status">
            Saved.
          </p>
        ) : null}
      </div>
    </form>
  );
}
