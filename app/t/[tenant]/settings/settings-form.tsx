'use client';

import { useActionState } from 'react';

import { Field, FieldError, FormError } from '@/components/forms/field';
import { SubmitButton } from '@/components/forms/submit-button';
import { Label } from '@/components/ui/label';
import { Select } from '@/components/ui/select';
import type { ActionResult } from '@/lib/auth/entry';

export function SettingsForm({
  action,
  initial,
  timeZones,
}: {
  action: (previous: unknown, formData: FormData) => Promise<ActionResult<{ saved: boolean }>>;
  initial: { name: string; slug: string; timezone: string };
  timeZones: string[];
}) {
  const [state, submit] = useActionState(action, undefined);
  const failed = state && !state.ok ? state : undefined;
  const values = failed?.values ?? initial;
  return (
    <form action={submit} className="space-y-5" noValidate aria-label="Workspace settings">
      <FormError message={failed?.formError} />
      <Field label="Workspace name" name="name" defaultValue={values.name} errors={failed?.fieldErrors?.name} />
      <Field
        label="Workspace address"
        name="slug"
        defaultValue={values.slug}
        hint="Changing it changes every link to this workspace."
        errors={failed?.fieldErrors?.slug}
      />
      <div>
        <Label htmlFor="timezone">Time zone for reports</Label>
        <Select id="timezone" name="timezone" defaultValue={values.timezone} className="mt-1.5">
          {timeZones.map((zone) => (
            <option key={zone} value={zone}>
              {zone}
            </option>
          ))}
        </Select>
        {failed?.fieldErrors?.timezone ? <FieldError>{failed.fieldErrors.timezone.join(' ')}</FieldError> : null}
      </div>
      <SubmitButton pendingLabel="Saving…">Save settings</SubmitButton>
      {state?.ok ? (
        <p className="text-sm text-success" role="status">
          Settings saved.
        </p>
      ) : null}
    </form>
  );
}
