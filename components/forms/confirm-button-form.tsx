'use client';

import { useActionState } from 'react';
import { SubmitButton } from '@/components/forms/submit-button';
import type { ActionResult } from '@/lib/auth/entry';

type Action = (previous: unknown, formData: FormData) => Promise<ActionResult<unknown>>;

function failed(state: ActionResult<unknown> | undefined) {
  return state && !state.ok ? state : undefined;
}

/** A one-button form for a consequential action: asks first, shows the refusal inline. */
export function ConfirmButtonForm({ action, fields, label, confirm, variant = 'danger' }: { action: Action; fields: Record<string, string>; label: string; confirm: string; variant?: 'danger' | 'secondary' }) {
  const [state, submit] = useActionState(action, undefined);
  const error = failed(state);
  return (
    <form
      action={submit}
      onSubmit={(event) => {
        if (!window.confirm(confirm)) event.preventDefault();
      }}
      className="inline-flex items-center gap-2"
    >
      {Object.entries(fields).map(([name, value]) => (
        <input key={name} type="hidden" name={name} value={value} />
      ))}
      <SubmitButton variant={variant} className="py-1.5">
        {label}
      </SubmitButton>
      {error ? (
        <span className="text-xs text-red-600" role="alert">
          {error.formError ?? Object.values(error.fieldErrors ?? {}).flat().join(' ')}
        </span>
      ) : null}
    </form>
  );
}
