'use client';

import { useActionState } from 'react';

import { Field, FieldError } from '@/components/forms/field';
import { RecordForm } from '@/components/forms/record-form';
import { Label } from '@/components/ui/label';
import { Textarea } from '@/components/ui/textarea';
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

export function CustomerForm({
  action,
  initial,
  submitLabel,
}: {
  action: (previous: unknown, formData: FormData) => Promise<ActionResult<unknown>>;
  initial?: CustomerValues;
  submitLabel: string;
}) {
  const [state, submit] = useActionState(action, undefined);
  const failed = state && !state.ok ? state : undefined;
  const values = failed?.values ?? Object.fromEntries(Object.entries(initial ?? {}).map(([k, v]) => [k, v == null ? '' : String(v)]));
  return (
    <RecordForm label="Customer" record={initial} submit={submit} state={state} submitLabel={submitLabel}>
      <Field label="Name" name="name" defaultValue={values.name} errors={failed?.fieldErrors?.name} />
      <Field label="Email" name="email" type="email" defaultValue={values.email} errors={failed?.fieldErrors?.email} />
      <Field label="Phone" name="phone" defaultValue={values.phone} errors={failed?.fieldErrors?.phone} />
      <Field label="Company" name="company" defaultValue={values.company} errors={failed?.fieldErrors?.company} />
      <div className="sm:col-span-2">
        <Label htmlFor="notes">Notes</Label>
        <Textarea id="notes" name="notes" rows={3} defaultValue={values.notes} className="mt-1.5" />
        {failed?.fieldErrors?.notes ? <FieldError>{failed.fieldErrors.notes.join(' ')}</FieldError> : null}
      </div>
    </RecordForm>
  );
}
