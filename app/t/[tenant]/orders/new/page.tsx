import type { Metadata } from 'next';

import { OrderForm } from '@/components/orders/order-form';
import { Card, CardContent } from '@/components/ui/card';
import { EmptyState } from '@/components/ui/empty-state';
import { PageHeader } from '@/components/ui/page-header';
import { orUnavailable } from '@/components/ui/unavailable';
import { tenantPage } from '@/lib/auth/entry';
import { customerOptions } from '@/lib/customers/service';
import { productOptions } from '@/lib/products/service';
import { tenantSettings } from '@/lib/settings/service';

import { createOrderAction } from '../actions';

export const metadata: Metadata = { title: 'New order' };

export default async function NewOrderPage({ params }: { params: Promise<{ tenant: string }> }) {
  const { tenant: slug } = await params;
  return orUnavailable(
    tenantPage(slug, 'orders.create', async () => {
      const [customers, products, tenant] = await Promise.all([customerOptions(), productOptions(), tenantSettings()]);
      return (
        <div className="max-w-3xl">
          <PageHeader title="New order" />
          <Card className="mt-6">
            <CardContent>
              {customers.length && products.length ? (
                <OrderForm
                  action={createOrderAction.bind(null, slug)}
                  customers={customers.map((c) => ({ id: c.id, label: `${c.name} (${c.email})` }))}
                  products={products.map((p) => ({ id: p.id, label: `${p.name} · ${p.sku}`, unitPrice: p.unitPrice }))}
                  currency={tenant.currency}
                  submitLabel="Create order"
                />
              ) : (
                <EmptyState title="An order needs a customer and a product.">Create them first.</EmptyState>
              )}
            </CardContent>
          </Card>
        </div>
      );
    }),
    'page',
  );
}
