import type { Metadata } from 'next';
import { ConfirmButtonForm } from '@/components/forms/confirm-button-form';
import { SettingsNav } from '@/components/settings/settings-nav';
import { Card, EmptyState, tableClasses as t } from '@/components/ui/page';
import { orUnavailable } from '@/components/ui/unavailable';
import { listApiKeys } from '@/lib/api-keys/service';
import { tenantPage } from '@/lib/auth/entry';
import { planUsage } from '@/lib/billing/plans';
import { createApiKeyAction, revokeApiKeyAction } from './actions';
import { CreateKeyForm } from './create-key-form';

export const metadata: Metadata = { title: 'API keys' };

const when = (date: Date | null) => (date ? date.toISOString().replace('T', ' ').slice(0, 16) + ' UTC' : 'never');

export default async function ApiKeysPage({ params }: { params: Promise<{ tenant: string }> }) {
  const { tenant: slug } = await params;
  return orUnavailable(tenantPage(slug, 'api_keys.manage', async (access) => {
    const [keys, { limits }] = await Promise.all([listApiKeys(), planUsage()]);
    const active = keys.filter((k) => !k.revokedAt).length;
    return (
      <div className="max-w-4xl">
        <SettingsNav slug={slug} role={access.role} current="/api-keys" />
        <h1 className="text-2xl font-bold tracking-tight text-slate-900">API keys</h1>
        <p className="mt-1 text-sm text-slate-600">
          Keys let scripts and other systems use this workspace’s <a href="/docs/api" className="font-medium text-brand-700 underline">REST API</a>. A key sees only this
          workspace, never does more than the person who created it still may, and stops working if they leave. {active} of {limits.apiKeys} active keys on the{' '}
          {limits.label} plan; up to {limits.keyRequestsPerMinute.toLocaleString('en-US')} requests a minute per key and{' '}
          {limits.tenantRequestsPerMinute.toLocaleString('en-US')} for the whole workspace.
        </p>
        <Card title="Create a key" className="mt-8">
          <CreateKeyForm action={createApiKeyAction.bind(null, slug)} />
        </Card>
        <section className="mt-8">
          {keys.length === 0 ? (
            <EmptyState title="No API keys yet">Create one above; it is shown once.</EmptyState>
          ) : (
            <table className={t.table}>
              <thead className={t.head}>
                <tr>
                  <th className={t.th}>Name</th>
                  <th className={t.th}>Key</th>
                  <th className={t.th}>Access</th>
                  <th className={t.th}>Created</th>
                  <th className={t.th}>Last used</th>
                  <th className={t.th}>
                    <span className="sr-only">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody className={t.body}>
                {keys.map((key) => (
                  <tr key={key.id} data-testid="api-key-row" className={key.revokedAt ? 'opacity-60' : undefined}>
                    <td className={t.td}>{key.name}</td>
                    <td className={t.td}>
                      <code className="font-mono text-xs">{key.prefix}…</code>
                    </td>
                    <td className={t.td}>{key.scope === 'read' ? 'Read only' : 'Read and write'}</td>
                    <td className={t.td}>{when(key.createdAt)}</td>
                    <td className={t.td}>{when(key.lastUsedAt)}</td>
                    <td className={`${t.td} text-right`}>
                      {key.revokedAt ? (
                        <span className="text-xs text-slate-500">Revoked {when(key.revokedAt)}</span>
                      ) : (
                        <ConfirmButtonForm action={revokeApiKeyAction.bind(null, slug)} fields={{ keyId: key.id }} label="Revoke" confirm={`Revoke “${key.name}”? Anything using it stops working at once.`} />
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </section>
      </div>
    );
  }), 'page');
}
