import type { ActionResult } from '@/lib/auth/entry';

/** The refusal of a one-line form (a button, a select): its message or its field errors, inline. */
export function InlineError({ state }: { state: ActionResult<unknown> | undefined }) {
  if (!state || state.ok) return null;
  return (
    <span className="text-xs text-destructive" role="alert">
      {state.formError ??
        Object.values(state.fieldErrors ?? {})
          .flat()
          .join(' ')}
    </span>
  );
}
