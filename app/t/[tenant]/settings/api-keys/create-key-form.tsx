'use client';

import { useActionState } from 'react';

import { Field, FormError } from '@/components/forms/field';
import { SubmitButton } from '@/components/forms/submit-button';
import { Alert } from '@/components/ui/alert';
import { Label } from '@/components/ui/label';
import { Select } from '@/components/ui/select';
import type { ActionResult } from '@/lib/auth/entry';

/** Creates a key and shows it once, with what to do with it. */
export function CreateKeyForm({
  action,
}: {
  action: (previous: unknown, formData: FormData) => Promise<ActionResult<{ id: string; key: string }>>;
}) {
  const [state, submit] = useActionState(action, undefined);
  const failed = state && !state.ok ? state : undefined;
  return (
    <div>
      <form action={submit} className="grid gap-4 sm:grid-cols-[1fr_auto_auto] sm:items-end" noValidate aria-label="Create an API key">
        <FormError message={failed?.formError} />
        <Field
          label="Name"
          name="name"
          defaultValue={failed?.values?.name ?? ''}
          placeholder="Warehouse sync"
          errors={failed?.fieldErrors?.name}
        />
        <div>
          <Label htmlFor="scope">Access</Label>
          <Select id="scope" name="scope" defaultValue={failed?.values?.scope ?? 'read'} className="mt-1.5">
            <option value="read">Read only</option>
            <option value="read_write">Read and write</option>
          </Select>
        </div>
        <SubmitButton pendingLabel="Creating…">Create key</SubmitButton>
      </form>
      {state?.ok ? (
        <Alert variant="success" className="mt-5 p-4" role="status">
          <p className="font-medium">Copy this key now: it is shown only once and cannot be recovered.</p>
          <code
            data-testid="new-api-key"
            className="mt-2 block overflow-x-auto rounded border bg-card px-3 py-2 font-mono text-sm text-card-foreground select-all"
          >
            {state.data.key}
          </code>
          <p className="mt-2 text-xs">
            Send it as <code>Authorization: Bearer …</code>. See the{' '}
            <a href="/docs/api" className="underline">
              API reference
            </a>
            .
          </p>
        </Alert>
      ) : null}
    </div>
  );
}
