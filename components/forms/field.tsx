import type { ComponentProps } from 'react';

import { Alert } from '@/components/ui/alert';
import { Input } from '@/components/ui/input';
import { Label } from '@/components/ui/label';
import { cn } from '@/lib/cn';

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
      <Label htmlFor={name}>{label}</Label>
      <Input
        id={name}
        name={name}
        className="mt-1.5"
        aria-invalid={errors?.length ? true : undefined}
        aria-describedby={[errors?.length ? errorId : '', hint ? hintId : ''].join(' ').trim() || undefined}
        {...props}
      />
      {hint && !errors?.length ? <FieldHint id={hintId}>{hint}</FieldHint> : null}
      {errors?.length ? (
        <FieldError id={errorId} role="alert">
          {errors.join(' ')}
        </FieldError>
      ) : null}
    </div>
  );
}

/** The line under a control that says what to enter. */
export function FieldHint({ className, ...props }: ComponentProps<'p'>) {
  return <p className={cn('mt-1 text-xs text-muted-foreground', className)} {...props} />;
}

/** The line under a control that says what is wrong with it (the caller decides on role="alert"). */
export function FieldError({ className, ...props }: ComponentProps<'p'>) {
  return <p className={cn('mt-1 text-xs text-destructive', className)} {...props} />;
}

export function FormError({ message }: { message?: string }) {
  if (!message) return null;
  return (
    <Alert variant="destructive" role="alert">
      {message}
    </Alert>
  );
}
