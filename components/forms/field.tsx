import type { ComponentProps } from 'react';
import { Input } from '@/components/ui/input';

/** A labelled input with its field errors; aria-invalid styles the control for free. */
export function Field({
  label,
  name,
  errors,
  hint,
  ...props
}: ComponentProps<'input'> & { label: string; name: string; errors?: string[]; hint?: string }) {
  const errorId = `${name}-error`;
  const hintId = `${name}-hint`;
  return (
    <div>
      <label htmlFor={name} className="block text-sm font-medium text-slate-700">
        {label}
      </label>
      <Input
        id={name}
        name={name}
        className="mt-1.5"
        aria-invalid={errors?.length ? true : undefined}
        aria-describedby={[errors?.length ? errorId : '', hint ? hintId : ''].join(' ').trim() || undefined}
        {...props}
      />
      {hint && !errors?.length ? (
        <p id={hintId} className="mt-1 text-xs text-slate-500">
          {hint}
        </p>
      ) : null}
      {errors?.length ? (
        <p id={errorId} className="mt-1 text-xs text-red-600" role="alert">
          {errors.join(' ')}
        </p>
      ) : null}
    </div>
  );
}

export function FormError({ message }: { message?: string }) {
  if (!message) return null;
  return (
    <p className="rounded-lg bg-red-50 px-3 py-2 text-sm text-red-700 ring-1 ring-red-200" role="alert">
      {message}
    </p>
  );
}
