'use client';

import { useActionState } from 'react';

import { Field, FieldError, FormError } from '@/components/forms/field';
import { InlineError } from '@/components/forms/inline-error';
import { SubmitButton } from '@/components/forms/submit-button';
import { Label } from '@/components/ui/label';
import { Select } from '@/components/ui/select';
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
        <Label htmlFor="invite-role">Role</Label>
        <Select id="invite-role" name="role" defaultValue={error?.values?.role ?? 'member'} className="mt-1.5 w-auto">
          {ROLES.filter((r) => r !== 'owner' || canInviteOwner).map((r) => (
            <option key={r} value={r}>
              {r}
            </option>
          ))}
        </Select>
        {error?.fieldErrors?.role ? <FieldError>{error.fieldErrors.role.join(' ')}</FieldError> : null}
      </div>
      <div className="pt-7">
        <SubmitButton pendingLabel="Sending…">Send invitation</SubmitButton>
      </div>
      <div className="w-full">
        <FormError message={error?.formError} />
        {state?.ok ? (
          <p className="text-sm text-success" role="status">
            Invitation sent to {state.data.email}.
          </p>
        ) : null}
      </div>
    </form>
  );
}

export function RoleForm({
  action,
  userId,
  role,
  assignable,
  label,
}: {
  action: Action;
  userId: string;
  role: string;
  assignable: string[];
  label: string;
}) {
  const [state, submit] = useActionState(action, undefined);
  return (
    <form action={submit} className="flex items-center gap-2">
      <input type="hidden" name="userId" value={userId} />
      <Select name="role" defaultValue={role} aria-label={`Role of ${label}`} className="w-auto py-1.5">
        {ROLES.filter((r) => assignable.includes(r) || r === role).map((r) => (
          <option key={r} value={r}>
            {r}
          </option>
        ))}
      </Select>
      <SubmitButton variant="outline" size="sm" pendingLabel="Saving…">
        Save
      </SubmitButton>
      <InlineError state={state} />
    </form>
  );
}
