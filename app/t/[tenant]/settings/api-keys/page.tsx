import type { Metadata } from 'next';

import { ConfirmButtonForm } from '@/components/forms/confirm-button-form';
import { Card, CardContent, CardHeader, CardTitle } from '@/components/ui/card';
import { EmptyState } from '@/components/ui/empty-state';
import { PageHeader } from '@/components/ui/page-header';
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from '@/components/ui/table';
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
  return orUnavailable(
    tenantPage(slug, 'api_keys.manage', async () => {
      const [keys, { limits }] = await Promise.all([listApiKeys(), planUsage()]);
      const active = keys.filter((k) => !k.revokedAt).length;
      return (
        <div>
          <PageHeader
            title="API keys"
            description={
              <>
                Keys let scripts and other systems use this workspace’s{' '}
                <a href="/docs/api" className="font-medium text-primary underline">
                  REST API
                </a>
                . A key sees only this workspace, never does more than the person who created it still may, and stops working if they leave.{' '}
                {active} of {limits.apiKeys} active keys on the {limits.label} plan; up to{' '}
                {limits.keyRequestsPerMinute.toLocaleString('en-US')} requests a minute per key and{' '}
                {limits.tenantRequestsPerMinute.toLocaleString('en-US')} for the whole workspace.
              </>
            }
          />
          <Card className="mt-8">
            <CardHeader>
              <CardTitle>Create a key</CardTitle>
            </CardHeader>
            <CardContent>
              <CreateKeyForm action={createApiKeyAction.bind(null, slug)} />
            </CardContent>
          </Card>
          <section className="mt-8">
            {keys.length === 0 ? (
              <EmptyState title="No API keys yet">Create one above; it is shown once.</EmptyState>
            ) : (
              <Table>
                <TableHeader>
                  <TableRow>
                    <TableHead>Name</TableHead>
                    <TableHead>Key</TableHead>
                    <TableHead>Access</TableHead>
                    <TableHead>Created</TableHead>
                    <TableHead>Last used</TableHead>
                    <TableHead>
                      <span className="sr-only">Actions</span>
                    </TableHead>
                  </TableRow>
                </TableHeader>
                <TableBody>
                  {keys.map((key) => (
                    <TableRow key={key.id} data-testid="api-key-row" className={key.revokedAt ? 'text-muted-foreground' : undefined}>
                      <TableCell>{key.name}</TableCell>
                      <TableCell>
                        <code className="font-mono text-xs">{key.prefix}…</code>
                      </TableCell>
                      <TableCell>{key.scope === 'read' ? 'Read only' : 'Read and write'}</TableCell>
                      <TableCell>{when(key.createdAt)}</TableCell>
                      <TableCell>{when(key.lastUsedAt)}</TableCell>
                      <TableCell className="text-right">
                        {key.revokedAt ? (
                          <span className="text-xs text-muted-foreground">Revoked {when(key.revokedAt)}</span>
                        ) : (
                          <ConfirmButtonForm
                            action={revokeApiKeyAction.bind(null, slug)}
                            fields={{ keyId: key.id }}
                            label="Revoke"
                            confirm={`Revoke “${key.name}”? Anything using it stops working at once.`}
                          />
                        )}
                      </TableCell>
                    </TableRow>
                  ))}
                </TableBody>
              </Table>
            )}
          </section>
        </div>
      );
    }),
    'page',
  );
}
