'use client';

import { useActionState, useState } from 'react';
import { FormError } from '@/components/forms/field';
import { RecordIdentity } from '@/components/forms/record-identity';
import { SubmitButton } from '@/components/forms/submit-button';
import { Button } from '@/components/ui/button';
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

const selectClass = 'block w-full rounded-lg border-0 py-2 pl-3 text-sm ring-1 ring-slate-300 ring-inset aria-invalid:ring-red-500';

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
    initial?.lines.length ? initial.lines.map((l, key) => ({ key, productId: l.productId, quantity: String(l.quantity) })) : [{ key: 0, productId: '', quantity: '1' }],
  );
  const prices = new Map(products.map((p) => [p.id, p.unitPrice]));
  const total = lines.reduce((sum, l) => sum + (prices.get(l.productId) ?? 0) * (Number.parseInt(l.quantity, 10) || 0), 0);
  const errorsOf = (name: string) => failed?.fieldErrors?.[name];
  const update = (key: number, patch: Partial<Line>) => setLines((all) => all.map((l) => (l.key === key ? { ...l, ...patch } : l)));

  return (
    <form action={submit} className="space-y-6" noValidate aria-label="Order">
      <FormError message={failed?.formError} />
      <RecordIdentity record={initial} />
      <div>
        <label htmlFor="customerId" className="block text-sm font-medium text-slate-700">
          Customer
        </label>
        <select id="customerId" name="customerId" defaultValue={failed?.values?.customerId ?? initial?.customerId ?? ''} aria-invalid={errorsOf('customerId') ? true : undefined} className={`mt-1.5 ${selectClass}`}>
          <option value="">Choose a customer…</option>
          {customers.map((c) => (
            <option key={c.id} value={c.id}>
              {c.label}
            </option>
          ))}
        </select>
        {errorsOf('customerId') ? <p className="mt-1 text-xs text-red-600" role="alert">{errorsOf('customerId')!.join(' ')}</p> : null}
      </div>

      <fieldset>
        <legend className="text-sm font-medium text-slate-700">Lines</legend>
        <div className="mt-2 space-y-3">
          {lines.map((line, index) => (
            <div key={line.key} className="grid grid-cols-[1fr_6rem_7rem_auto] items-start gap-3" data-testid="order-line">
              <div>
                <select
                  name={`lines.${index}.productId`}
                  aria-label={`Product of line ${index + 1}`}
                  value={line.productId}
                  onChange={(e) => update(line.key, { productId: e.target.value })}
                  aria-invalid={errorsOf(`lines.${index}.productId`) ? true : undefined}
                  className={selectClass}
                >
                  <option value="">Choose a product…</option>
                  {products.map((p) => (
                    <option key={p.id} value={p.id}>
                      {p.label} — {formatMoney(p.unitPrice, currency)}
                    </option>
                  ))}
                </select>
                {errorsOf(`lines.${index}.productId`) ? <p className="mt-1 text-xs text-red-600">{errorsOf(`lines.${index}.productId`)!.join(' ')}</p> : null}
              </div>
              <div>
                <input
                  name={`lines.${index}.quantity`}
                  aria-label={`Quantity of line ${index + 1}`}
                  inputMode="numeric"
                  value={line.quantity}
                  onChange={(e) => update(line.key, { quantity: e.target.value })}
                  aria-invalid={errorsOf(`lines.${index}.quantity`) ? true : undefined}
                  className="block w-full rounded-lg border-0 px-3 py-2 text-sm ring-1 ring-slate-300 ring-inset aria-invalid:ring-red-500"
                />
                {errorsOf(`lines.${index}.quantity`) ? <p className="mt-1 text-xs text-red-600">{errorsOf(`lines.${index}.quantity`)!.join(' ')}</p> : null}
              </div>
              <p className="py-2 text-right text-sm text-slate-700 tabular-nums">{formatMoney((prices.get(line.productId) ?? 0) * (Number.parseInt(line.quantity, 10) || 0), currency)}</p>
              <Button type="button" variant="ghost" aria-label={`Remove line ${index + 1}`} disabled={lines.length === 1} onClick={() => setLines((all) => all.filter((l) => l.key !== line.key))}>
                ✕
              </Button>
            </div>
          ))}
        </div>
        {errorsOf('lines') ? <p className="mt-2 text-xs text-red-600" role="alert">{errorsOf('lines')!.join(' ')}</p> : null}
        <Button type="button" variant="secondary" className="mt-3" onClick={() => setLines((all) => [...all, { key: Math.max(...all.map((l) => l.key)) + 1, productId: '', quantity: '1' }])}>
          Add line
        </Button>
      </fieldset>

      <div>
        <label htmlFor="notes" className="block text-sm font-medium text-slate-700">
          Notes
        </label>
        <textarea id="notes" name="notes" rows={2} defaultValue={failed?.values?.notes ?? initial?.notes ?? ''} className="mt-1.5 block w-full rounded-lg border-0 px-3 py-2 text-sm ring-1 ring-slate-300 ring-inset" />
      </div>

      <div className="flex items-center justify-between border-t border-slate-200 pt-4">
        <p className="text-sm text-slate-600">
          Total <span className="text-lg font-semibold text-slate-900 tabular-nums" data-testid="order-total">{formatMoney(total, currency)}</span>
        </p>
        <SubmitButton pendingLabel="Saving…">{submitLabel}</SubmitButton>
      </div>
    </form>
  );
}
