'use client';

import { useActionState } from 'react';
import { Field, FormError } from '@/components/forms/field';
import { SubmitButton } from '@/components/forms/submit-button';
import type { ActionResult } from '@/lib/auth/entry';

/** Creates a key and shows it once, with what to do with it. */
export function CreateKeyForm({ action }: { action: (previous: unknown, formData: FormData) => Promise<ActionResult<{ id: string; key: string }>> }) {
  const [state, submit] = useActionState(action, undefined);
  const failed = state && !state.ok ? state : undefined;
  return (
    <div>
      <form action={submit} className="grid gap-4 sm:grid-cols-[1fr_auto_auto] sm:items-end" noValidate aria-label="Create an API key">
        <FormError message={failed?.formError} />
        <Field label="Name" name="name" defaultValue={failed?.values?.name ?? ''} placeholder="Warehouse sync" errors={failed?.fieldErrors?.name} />
        <div>
          <label htmlFor="scope" className="block text-sm font-medium text-slate-700">
            Access
          </label>
          <select id="scope" name="scope" defaultValue={failed?.values?.scope ?? 'read'} className="mt-1.5 block w-full rounded-lg border-0 py-2 pl-3 text-sm ring-1 ring-slate-300 ring-inset">
            <option value="read">Read only</option>
            <option value="read_write">Read and write</option>
          </select>
        </div>
        <SubmitButton pendingLabel="Creating…">Create key</SubmitButton>
      </form>
      {state?.ok ? (
        <div className="mt-5 rounded-lg bg-emerald-50 p-4 ring-1 ring-emerald-600/20" role="status">
          <p className="text-sm font-medium text-emerald-900">Copy this key now: it is shown only once and cannot be recovered.</p>
          <code data-testid="new-api-key" className="mt-2 block overflow-x-auto rounded bg-white px-3 py-2 font-mono text-sm text-slate-900 ring-1 ring-slate-200 select-all">
            {state.data.key}
          </code>
          <p className="mt-2 text-xs text-emerald-900">
            Send it as <code>Authorization: Bearer …</code>. See the <a href="/docs/api" className="underline">API reference</a>.
          </p>
        </div>
      ) : null}
    </div>
  );
}
