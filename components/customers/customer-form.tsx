'use client';

import { useActionState } from 'react';
import { Field, FormError } from '@/components/forms/field';
import { RecordIdentity } from '@/components/forms/record-identity';
import { SubmitButton } from '@/components/forms/submit-button';
import type { ActionResult } from '@/lib/auth/entry';

export interface CustomerValues {
  id?: string;
  version?: number;
  name: string;
  email: string;
  phone: string | null;
  company: string | null;
  notes: string | null;
}

export function CustomerForm({ action, initial, submitLabel }: { action: (previous: unknown, formData: FormData) => Promise<ActionResult<unknown>>; initial?: CustomerValues; submitLabel: string }) {
  const [state, submit] = useActionState(action, undefined);
  const failed = state && !state.ok ? state : undefined;
  const values = failed?.values ?? Object.fromEntries(Object.entries(initial ?? {}).map(([k, v]) => [k, v == null ? '' : String(v)]));
  return (
    <form action={submit} className="grid gap-5 sm:grid-cols-2" noValidate aria-label="Customer">
      <RecordIdentity record={initial} />
      <div className="sm:col-span-2">
        <FormError message={failed?.formError} />
      </div>
      <Field label="Name" name="name" defaultValue={values.name} errors={failed?.fieldErrors?.name} />
      <Field label="Email" name="email" type="email" defaultValue={values.email} errors={failed?.fieldErrors?.email} />
      <Field label="Phone" name="phone" defaultValue={values.phone} errors={failed?.fieldErrors?.phone} />
      <Field label="Company" name="company" defaultValue={values.company} errors={failed?.fieldErrors?.company} />
      <div className="sm:col-span-2">
        <label htmlFor="notes" className="block text-sm font-medium text-slate-700">
          Notes
        </label>
        <textarea id="notes" name="notes" rows={3} defaultValue={values.notes} className="mt-1.5 block w-full rounded-lg border-0 px-3 py-2 text-sm ring-1 ring-slate-300 ring-inset focus:ring-2 focus:ring-brand-600" />
        {failed?.fieldErrors?.notes ? <p className="mt-1 text-xs text-red-600">{failed.fieldErrors.notes.join(' ')}</p> : null}
      </div>
      <div className="flex items-center gap-3 sm:col-span-2">
        <SubmitButton pendingLabel="Saving…">{submitLabel}</SubmitButton>
        {state?.ok ? (
          <p className="text-sm text-emerald-700" role="status">
            Saved.
          </p>
        ) : null}
      </div>
    </form>
  );
}
