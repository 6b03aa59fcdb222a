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
        className="flex cursor-pointer list-none items-center justify-between rounded-lg bg-white px-3 py-2 text-sm shadow-sm ring-1 ring-slate-200"
        data-testid="tenant-switcher"
      >
        <span className="sr-only">Switch workspace: </span>
        <span className="min-w-0">
          <span className="block truncate font-semibold text-slate-900" data-testid="current-tenant">
            {current.name}
          </span>
          <span className="block text-xs text-slate-500 capitalize">{current.role}</span>
        </span>
        <span aria-hidden="true" className="text-slate-400">
          ▾
        </span>
      </summary>
      <ul className="absolute z-10 mt-1 w-full rounded-lg bg-white py-1 shadow-lg ring-1 ring-slate-200">
        {tenants.map((tenant) => (
          <li key={tenant.slug}>
            <Link
              href={`/t/${tenant.slug}`}
              className="flex items-center justify-between px-3 py-2 text-sm text-slate-700 hover:bg-slate-50"
              aria-current={tenant.slug === current.slug ? 'page' : undefined}
            >
              <span className="truncate">{tenant.name}</span>
              {tenant.slug === current.slug ? <span className="text-xs text-brand-600">current</span> : null}
            </Link>
          </li>
        ))}
        <li className="border-t border-slate-100">
          <Link href="/tenants?all=1" className="block px-3 py-2 text-sm text-slate-500 hover:bg-slate-50">
            All workspaces
          </Link>
        </li>
      </ul>
    </details>
  );
}
