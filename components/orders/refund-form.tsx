'use client';

import { useActionState } from 'react';

import { Field, FormError } from '@/components/forms/field';
import { SubmitButton } from '@/components/forms/submit-button';
import type { ActionResult } from '@/lib/auth/entry';

export function RefundForm({
  action,
  orderId,
  max,
  currency,
}: {
  action: (previous: unknown, formData: FormData) => Promise<ActionResult<unknown>>;
  orderId: string;
  max: string;
  currency: string;
}) {
  const [state, submit] = useActionState(action, undefined);
  const failed = state && !state.ok ? state : undefined;
  return (
    <form action={submit} className="space-y-3" noValidate aria-label="Refund">
      <input type="hidden" name="id" value={orderId} />
      <FormError message={failed?.formError} />
      <Field
        label={`Refund amount (${currency})`}
        name="amount"
        inputMode="decimal"
        defaultValue={failed?.values?.amount ?? max}
        hint={`Up to ${max}.`}
        errors={failed?.fieldErrors?.amount}
      />
      <Field label="Reason" name="reason" defaultValue={failed?.values?.reason} errors={failed?.fieldErrors?.reason} />
      <SubmitButton variant="destructive" pendingLabel="Refunding…">
        Refund
      </SubmitButton>
    </form>
  );
}
