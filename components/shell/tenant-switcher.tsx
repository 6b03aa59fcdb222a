import Link from 'next/link';

// A plain <details> menu: no client JavaScript, every entry a real link to /t/<slug>, so switching
// is a fresh server render of the other tenant and nothing of the previous one can linger.
export function TenantSwitcher({
  current,
  tenants,
}: {
  current: { slug: string; name: string; role: string };
  tenants: { slug: string; name: string; role: string }[];
}) {
  return (
    <details className="group relative">
      <summary
        className="flex cursor-pointer list-none items-center justify-between rounded-lg border bg-card px-3 py-2 text-sm text-card-foreground shadow-sm"
        data-testid="tenant-switcher"
      >
        <span className="sr-only">Switch workspace: </span>
        <span className="min-w-0">
          <span className="block truncate font-semibold text-foreground" data-testid="current-tenant">
            {current.name}
          </span>
          <span className="block text-xs text-muted-foreground capitalize">{current.role}</span>
        </span>
        <span aria-hidden="true" className="text-muted-foreground">
          ▾
        </span>
      </summary>
      <ul className="absolute z-10 mt-1 w-full rounded-lg border bg-popover py-1 text-popover-foreground shadow-lg">
        {tenants.map((tenant) => (
          <li key={tenant.slug}>
            <Link
              href={`/t/${tenant.slug}`}
              className="flex items-center justify-between px-3 py-2 text-sm text-foreground hover:bg-muted"
              aria-current={tenant.slug === current.slug ? 'page' : undefined}
            >
              <span className="truncate">{tenant.name}</span>
              {tenant.slug === current.slug ? <span className="text-xs text-primary">current</span> : null}
            </Link>
          </li>
        ))}
        <li className="border-t">
          <Link href="/tenants?all=1" className="block px-3 py-2 text-sm text-muted-foreground hover:bg-muted">
            All workspaces
          </Link>
        </li>
      </ul>
    </details>
  );
}
