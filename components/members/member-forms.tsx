'use client';

import { useActionState } from 'react';
import { Field, FormError } from '@/components/forms/field';
import { InlineError } from '@/components/forms/inline-error';
import { SubmitButton } from '@/components/forms/submit-button';
import type { ActionResult } from '@/lib/auth/entry';

type Action<T = unknown> = (previous: unknown, formData: FormData) => Promise<ActionResult<T>>;
const ROLES = ['owner', 'admin', 'member', 'viewer'] as const;

function failed<T>(state: ActionResult<T> | undefined) {
  return state && !state.ok ? state : undefined;
}

export function InviteForm({ action, canInviteOwner }: { action: Action<{ email: string }>; canInviteOwner: boolean }) {
  const [state, submit] = useActionState(action, undefined);
  const error = failed(state);
  return (
    <form action={submit} className="flex flex-wrap items-start gap-3" noValidate aria-label="Invite a member">
      <div className="min-w-64 flex-1">
        <Field label="Email" name="email" type="email" required defaultValue={error?.values?.email} errors={error?.fieldErrors?.email} />
      </div>
      <div>
        <label htmlFor="invite-role" className="block text-sm font-medium text-slate-700">
          Role
        </label>
        <select id="invite-role" name="role" defaultValue={error?.values?.role ?? 'member'} className="mt-1.5 rounded-lg border-0 py-2 pr-8 pl-3 text-sm ring-1 ring-slate-300 ring-inset">
          {ROLES.filter((r) => r !== 'owner' || canInviteOwner).map((r) => (
            <option key={r} value={r}>
              {r}
            </option>
          ))}
        </select>
        {error?.fieldErrors?.role ? <p className="mt-1 text-xs text-red-600">{error.fieldErrors.role.join(' ')}</p> : null}
      </div>
      <div className="pt-7">
        <SubmitButton pendingLabel="Sending…">Send invitation</SubmitButton>
      </div>
      <div className="w-full">
        <FormError message={error?.formError} />
        {state?.ok ? (
          <p className="text-sm text-emerald-700" role="status">
            Invitation sent to {state.data.email}.
          </p>
        ) : null}
      </div>
    </form>
  );
}

export function RoleForm({ action, userId, role, assignable, label }: { action: Action; userId: string; role: string; assignable: string[]; label: string }) {
  const [state, submit] = useActionState(action, undefined);
  return (
    <form action={submit} className="flex items-center gap-2">
      <input type="hidden" name="userId" value={userId} />
      <select name="role" defaultValue={role} aria-label={`Role of ${label}`} className="rounded-lg border-0 py-1.5 pr-8 pl-3 text-sm ring-1 ring-slate-300 ring-inset">
        {ROLES.filter((r) => assignable.includes(r) || r === role).map((r) => (
          <option key={r} value={r}>
            {r}
          </option>
        ))}
      </select>
      <SubmitButton variant="secondary" className="py-1.5" pendingLabel="Saving…">
        Save
      </SubmitButton>
      <InlineError state={state} />
    </form>
  );
}
