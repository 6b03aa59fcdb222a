'use client';

import { useActionState, useState } from 'react';

import { FieldError, FormError } from '@/components/forms/field';
import { formErrorOf, RecordIdentity } from '@/components/forms/record-identity';
import { SubmitButton } from '@/components/forms/submit-button';
import { Button } from '@/components/ui/button';
import { Input } from '@/components/ui/input';
import { Label } from '@/components/ui/label';
import { Select } from '@/components/ui/select';
import { Textarea } from '@/components/ui/textarea';
import type { ActionResult } from '@/lib/auth/entry';
import { formatMoney } from '@/lib/money';

interface Option {
  id: string;
  label: string;
}
interface ProductOption extends Option {
  unitPrice: number;
}
interface Line {
  key: number;
  productId: string;
  quantity: string;
}

export function OrderForm({
  action,
  customers,
  products,
  currency,
  initial,
  submitLabel,
}: {
  action: (previous: unknown, formData: FormData) => Promise<ActionResult<unknown>>;
  customers: Option[];
  products: ProductOption[];
  currency: string;
  initial?: { id: string; version: number; customerId: string; notes: string | null; lines: { productId: string; quantity: number }[] };
  submitLabel: string;
}) {
  const [state, submit] = useActionState(action, undefined);
  const failed = state && !state.ok ? state : undefined;
  const [lines, setLines] = useState<Line[]>(() =>
    initial?.lines.length
      ? initial.lines.map((l, key) => ({ key, productId: l.productId, quantity: String(l.quantity) }))
      : [{ key: 0, productId: '', quantity: '1' }],
  );
  const prices = new Map(products.map((p) => [p.id, p.unitPrice]));
  const total = lines.reduce((sum, l) => sum + (prices.get(l.productId) ?? 0) * (Number.parseInt(l.quantity, 10) || 0), 0);
  const errorsOf = (name: string) => failed?.fieldErrors?.[name];
  const update = (key: number, patch: Partial<Line>) => setLines((all) => all.map((l) => (l.key === key ? { ...l, ...patch } : l)));

  return (
    <form action={submit} className="space-y-6" noValidate aria-label="Order">
      <FormError message={formErrorOf(failed)} />
      <RecordIdentity record={initial} />
      <div>
        <Label htmlFor="customerId">Customer</Label>
        <Select
          id="customerId"
          name="customerId"
          defaultValue={failed?.values?.customerId ?? initial?.customerId ?? ''}
          aria-invalid={errorsOf('customerId') ? true : undefined}
          className="mt-1.5"
        >
          <option value="">Choose a customer…</option>
          {customers.map((c) => (
            <option key={c.id} value={c.id}>
              {c.label}
            </option>
          ))}
        </Select>
        {errorsOf('customerId') ? <FieldError role="alert">{errorsOf('customerId')!.join(' ')}</FieldError> : null}
      </div>

      <fieldset>
        <legend className="text-sm font-medium">Lines</legend>
        <div className="mt-2 space-y-3">
          {lines.map((line, index) => (
            <div key={line.key} className="grid grid-cols-[1fr_6rem_7rem_auto] items-start gap-3" data-testid="order-line">
              <div>
                <Select
                  name={`lines.${index}.productId`}
                  aria-label={`Product of line ${index + 1}`}
                  value={line.productId}
                  onChange={(e) => update(line.key, { productId: e.target.value })}
                  aria-invalid={errorsOf(`lines.${index}.productId`) ? true : undefined}
                >
                  <option value="">Choose a product…</option>
                  {products.map((p) => (
                    <option key={p.id} value={p.id}>
                      {p.label} — {formatMoney(p.unitPrice, currency)}
                    </option>
                  ))}
                </Select>
                {errorsOf(`lines.${index}.productId`) ? <FieldError>{errorsOf(`lines.${index}.productId`)!.join(' ')}</FieldError> : null}
              </div>
              <div>
                <Input
                  name={`lines.${index}.quantity`}
                  aria-label={`Quantity of line ${index + 1}`}
                  inputMode="numeric"
                  value={line.quantity}
                  onChange={(e) => update(line.key, { quantity: e.target.value })}
                  aria-invalid={errorsOf(`lines.${index}.quantity`) ? true : undefined}
                />
                {errorsOf(`lines.${index}.quantity`) ? <FieldError>{errorsOf(`lines.${index}.quantity`)!.join(' ')}</FieldError> : null}
              </div>
              <p className="py-2 text-right text-sm tabular-nums">
                {formatMoney((prices.get(line.productId) ?? 0) * (Number.parseInt(line.quantity, 10) || 0), currency)}
              </p>
              <Button
                type="button"
                variant="ghost"
                aria-label={`Remove line ${index + 1}`}
                disabled={lines.length === 1}
                onClick={() => setLines((all) => all.filter((l) => l.key !== line.key))}
              >
                ✕
              </Button>
            </div>
          ))}
        </div>
        {errorsOf('lines') ? (
          <FieldError className="mt-2" role="alert">
            {errorsOf('lines')!.join(' ')}
          </FieldError>
        ) : null}
        <Button
          type="button"
          variant="outline"
          className="mt-3"
          onClick={() => setLines((all) => [...all, { key: Math.max(...all.map((l) => l.key)) + 1, productId: '', quantity: '1' }])}
        >
          Add line
        </Button>
      </fieldset>

      <div>
        <Label htmlFor="notes">Notes</Label>
        <Textarea id="notes" name="notes" rows={2} defaultValue={failed?.values?.notes ?? initial?.notes ?? ''} className="mt-1.5" />
      </div>

      <div className="flex items-center justify-between border-t pt-4">
        <p className="text-sm text-muted-foreground">
          Total{' '}
          <span className="text-lg font-semibold text-foreground tabular-nums" data-testid="order-total">
            {formatMoney(total, currency)}
          </span>
        </p>
        <SubmitButton pendingLabel="Saving…">{submitLabel}</SubmitButton>
      </div>
    </form>
  );
}
