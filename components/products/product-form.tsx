'use client';

import { useActionState } from 'react';

import { Field } from '@/components/forms/field';
import { RecordForm } from '@/components/forms/record-form';
import type { ActionResult } from '@/lib/auth/entry';
import { toDecimalString } from '@/lib/money';

export interface ProductValues {
  id?: string;
  version?: number;
  sku: string;
  name: string;
  description: string | null;
  unitPrice: number;
}

export function ProductForm({
  action,
  initial,
  submitLabel,
  currency,
}: {
  action: (previous: unknown, formData: FormData) => Promise<ActionResult<unknown>>;
  initial?: ProductValues;
  submitLabel: string;
  currency: string;
}) {
  const [state, submit] = useActionState(action, undefined);
  const failed = state && !state.ok ? state : undefined;
  const values = failed?.values ?? {
    sku: initial?.sku ?? '',
    name: initial?.name ?? '',
    description: initial?.description ?? '',
    unitPrice: initial ? toDecimalString(initial.unitPrice) : '',
  };
  return (
    <RecordForm label="Product" record={initial} submit={submit} state={state} submitLabel={submitLabel}>
      <Field label="SKU" name="sku" defaultValue={values.sku} errors={failed?.fieldErrors?.sku} />
      <Field label="Name" name="name" defaultValue={values.name} errors={failed?.fieldErrors?.name} />
      <Field
        label={`Price (${currency})`}
        name="unitPrice"
        inputMode="decimal"
        defaultValue={values.unitPrice}
        errors={failed?.fieldErrors?.unitPrice}
      />
      <Field label="Description" name="description" defaultValue={values.description} errors={failed?.fieldErrors?.description} />
    </RecordForm>
  );
}
