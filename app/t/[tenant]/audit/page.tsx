import type { Metadata } from 'next';
import { EmptyState, NextPageLink, PageHeader, tableClasses as t } from '@/components/ui/page';
import { orUnavailable } from '@/components/ui/unavailable';
import { tenantPage } from '@/lib/auth/entry';
import { listAuditEvents } from '@/lib/audit-log/service';

export const metadata: Metadata = { title: 'Audit log' };

const AREAS = ['order', 'customer', 'product', 'member', 'tenant', 'api_key', 'billing'];

export default async function AuditPage({ params, searchParams }: { params: Promise<{ tenant: string }>; searchParams: Promise<{ area?: string; actor?: string; cursor?: string }> }) {
  const { tenant: slug } = await params;
  const { area, actor, cursor } = await searchParams;
  return orUnavailable(tenantPage(slug, 'audit.view', async () => {
    const action = area && AREAS.includes(area) ? `${area}.` : undefined;
    const page = await listAuditEvents({ action, actor: actor?.slice(0, 100), cursor: cursor && /^[0-9a-f-]{36}$/.test(cursor) ? cursor : undefined });
    return (
      <div>
        <PageHeader title="Audit log" description="Who did what in this workspace, and when. Entries cannot be changed or deleted." />
        <form className="mt-6 flex flex-wrap items-end gap-3" role="search" aria-label="Filter the audit log">
          <label className="text-xs text-slate-500">
            Area
            <select name="area" defaultValue={area ?? ''} className="mt-1 block rounded-lg border-0 py-2 pl-3 text-sm text-slate-900 ring-1 ring-slate-300 ring-inset">
              <option value="">All</option>
              {AREAS.map((a) => (
                <option key={a} value={a}>
                  {a}
                </option>
              ))}
            </select>
          </label>
          <label className="text-xs text-slate-500">
            Actor
            <input name="actor" defaultValue={actor} placeholder="email" className="mt-1 block rounded-lg border-0 px-3 py-2 text-sm text-slate-900 ring-1 ring-slate-300 ring-inset" />
          </label>
          <button className="rounded-lg bg-white px-3 py-2 text-sm font-medium ring-1 ring-slate-300 hover:bg-slate-50">Filter</button>
        </form>
        <div className="mt-6 overflow-x-auto">
          {page.items.length === 0 ? (
            <EmptyState title="No entries match." />
          ) : (
            <table className={t.table}>
              <thead className={t.head}>
                <tr>
                  <th className={t.th}>When (UTC)</th>
                  <th className={t.th}>Who</th>
                  <th className={t.th}>What</th>
                  <th className={t.th}>Details</th>
                </tr>
              </thead>
              <tbody className={t.body}>
                {page.items.map((e) => (
                  <tr key={e.id}>
                    <td className={`${t.td} whitespace-nowrap`}>{e.createdAt.toISOString().slice(0, 19).replace('T', ' ')}</td>
                    <td className={t.td}>{e.actorLabel ?? e.actorType}</td>
                    <td className={`${t.td} font-mono text-xs`}>{e.action}</td>
                    <td className={`${t.td} max-w-md truncate font-mono text-xs text-slate-500`} title={JSON.stringify(e.metadata)}>
                      {JSON.stringify(e.metadata)}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </div>
        <NextPageLink basePath={`/t/${slug}/audit`} params={{ area, actor }} cursor={page.nextCursor} />
      </div>
    );
  }), 'page');
}
