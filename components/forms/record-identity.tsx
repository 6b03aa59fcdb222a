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
