/** The search row of a list page: a query, an "archived" switch, submitted as GET parameters. */
export function ListSearch({ query, archived, placeholder, label }: { query?: string; archived?: string; placeholder: string; label: string }) {
  return (
    <form className="mt-6 flex flex-wrap items-center gap-3" role="search">
      <input name="q" defaultValue={query} placeholder={placeholder} aria-label={label} className="w-72 rounded-lg border-0 px-3 py-2 text-sm ring-1 ring-slate-300 ring-inset" />
      <label className="flex items-center gap-2 text-sm text-slate-600">
        <input type="checkbox" name="archived" value="1" defaultChecked={archived === '1'} /> Archived
      </label>
      <button className="rounded-lg bg-white px-3 py-2 text-sm font-medium ring-1 ring-slate-300 hover:bg-slate-50">Search</button>
    </form>
  );
}
