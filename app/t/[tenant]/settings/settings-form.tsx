'use client';

import { useActionState } from 'react';
import { Field, FormError } from '@/components/forms/field';
import { SubmitButton } from '@/components/forms/submit-button';
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
      <Field label="Workspace address" name="slug" defaultValue={values.slug} hint="Changing it changes every link to this workspace." errors={failed?.fieldErrors?.slug} />
      <div>
        <label htmlFor="timezone" className="block text-sm font-medium text-slate-700">
          Time zone for reports
        </label>
        <select id="timezone" name="timezone" defaultValue={values.timezone} className="mt-1.5 block w-full rounded-lg border-0 py-2 pl-3 text-sm ring-1 ring-slate-300 ring-inset">
          {timeZones.map((zone) => (
            <option key={zone} value={zone}>
              {zone}
            </option>
          ))}
        </select>
        {failed?.fieldErrors?.timezone ? <p className="mt-1 text-xs text-red-600">{failed.fieldErrors.timezone.join(' ')}</p> : null}
      </div>
      <SubmitButton pendingLabel="Saving…">Save settings</SubmitButton>
      {state?.ok ? (
        <p className="text-sm text-emerald-700" role="status">
          Settings saved.
        </p>
      ) : null}
    </form>
  );
}
