/** Which record an edit form saves, and the version it was loaded at (for the conflict check). */
export function RecordIdentity({ record }: { record?: { id?: string; version?: number } }) {
  if (!record?.id) return null;
  return (
    <>
      <input type="hidden" name="id" value={record.id} />
      <input type="hidden" name="version" value={record.version} />
    </>
  );
}

/**
 * The form-wide message of a failed save: the action's own, or the errors of the hidden id and
 * version (they have no field to stand beside), e.g. a version no record can have.
 */
export function formErrorOf(failed?: { formError?: string; fieldErrors?: Partial<Record<string, string[]>> }): string | undefined {
  if (failed?.formError) return failed.formError;
  const hidden = [...(failed?.fieldErrors?.id ?? []), ...(failed?.fieldErrors?.version ?? [])];
  return hidden.length > 0 ? [...new Set(hidden)].join(' ') : undefined;
}
