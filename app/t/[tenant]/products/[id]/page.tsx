import type { Metadata } from 'next';

import { ConfirmButtonForm } from '@/components/forms/confirm-button-form';
import { ProductForm } from '@/components/products/product-form';
import { Card, CardContent, CardHeader, CardTitle } from '@/components/ui/card';
import { PageHeader } from '@/components/ui/page-header';
import { StatusBadge } from '@/components/ui/status-badge';
import { orUnavailable } from '@/components/ui/unavailable';
import { orNotFound, recordId, tenantPage } from '@/lib/auth/entry';
import { can } from '@/lib/auth/permissions';
import { formatMoney } from '@/lib/money';
import { getProduct } from '@/lib/products/service';
import { tenantSettings } from '@/lib/settings/service';

import { archiveProductAction, updateProductAction } from '../actions';

export const metadata: Metadata = { title: 'Product' };

export default async function ProductPage({ params }: { params: Promise<{ tenant: string; id: string }> }) {
  const { tenant: slug, id: rawId } = await params;
  const id = recordId(rawId);
  return orUnavailable(
    tenantPage(slug, 'products.view', async (access) => {
      const [product, tenant] = await Promise.all([orNotFound(() => getProduct(id)), tenantSettings()]);
      return (
        <div className="max-w-3xl space-y-6">
          <PageHeader
            title={product.name}
            description={
              <>
                {product.sku} · {formatMoney(product.unitPrice, tenant.currency)}{' '}
                {product.archivedAt ? <StatusBadge status="archived" /> : null}
              </>
            }
            actions={
              can(access.role, 'products.archive') ? (
                <ConfirmButtonForm
                  action={archiveProductAction.bind(null, slug)}
                  fields={{ id, archived: product.archivedAt ? 'false' : 'true' }}
                  label={product.archivedAt ? 'Restore' : 'Archive'}
                  confirm={
                    product.archivedAt ? 'Restore this product?' : 'Archive this product? Past orders keep it; new orders cannot use it.'
                  }
                  variant="outline"
                />
              ) : null
            }
          />
          <Card>
            <CardHeader>
              <CardTitle>Details</CardTitle>
            </CardHeader>
            <CardContent>
              {can(access.role, 'products.update') ? (
                <ProductForm
                  action={updateProductAction.bind(null, slug)}
                  initial={product}
                  submitLabel="Save changes"
                  currency={tenant.currency}
                />
              ) : (
                <p className="text-sm text-muted-foreground">{product.description ?? 'No description.'}</p>
              )}
            </CardContent>
          </Card>
        </div>
      );
    }),
    'page',
  );
}
