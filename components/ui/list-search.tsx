import { Button } from './button';
import { Input } from './input';

/** The search row of a list page: a query, an "archived" switch, submitted as GET parameters. */
export function ListSearch({
  query,
  archived,
  placeholder,
  label,
}: {
  query?: string;
  archived?: string;
  placeholder: string;
  label: string;
}) {
  return (
    <form className="mt-6 flex flex-wrap items-center gap-3" role="search">
      <Input name="q" defaultValue={query} placeholder={placeholder} aria-label={label} className="w-72" />
      <label className="flex items-center gap-2 text-sm text-muted-foreground">
        <input type="checkbox" name="archived" value="1" defaultChecked={archived === '1'} className="accent-primary" /> Archived
      </label>
      <Button variant="outline">Search</Button>
    </form>
  );
}
