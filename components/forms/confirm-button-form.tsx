'use client';

import { useActionState } from 'react';

import { InlineError } from '@/components/forms/inline-error';
import { SubmitButton } from '@/components/forms/submit-button';
import type { ActionResult } from '@/lib/auth/entry';

type Action = (previous: unknown, formData: FormData) => Promise<ActionResult<unknown>>;

/** A one-button form for a consequential action: asks first, shows the refusal inline. */
export function ConfirmButtonForm({
  action,
  fields,
  label,
  confirm,
  variant = 'destructive',
}: {
  action: Action;
  fields: Record<string, string>;
  label: string;
  confirm: string;
  variant?: 'destructive' | 'outline';
}) {
  const [state, submit] = useActionState(action, undefined);
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
      <SubmitButton variant={variant} size="sm">
        {label}
      </SubmitButton>
      <InlineError state={state} />
    </form>
  );
}
