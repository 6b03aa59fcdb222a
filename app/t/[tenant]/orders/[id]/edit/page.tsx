import type { Metadata } from 'next';

import { OrderForm } from '@/components/orders/order-form';
import { Card, CardContent } from '@/components/ui/card';
import { EmptyState } from '@/components/ui/empty-state';
import { PageHeader } from '@/components/ui/page-header';
import { orUnavailable } from '@/components/ui/unavailable';
import { orNotFound, recordId, tenantPage } from '@/lib/auth/entry';
import { customerOptions } from '@/lib/customers/service';
import { getOrder } from '@/lib/orders/service';
import { isEditable, orderStatusLabel } from '@/lib/orders/status';
import { productOptions } from '@/lib/products/service';

import { updateOrderAction } from '../../actions';

export const metadata: Metadata = { title: 'Edit order' };

export default async function EditOrderPage({ params }: { params: Promise<{ tenant: string; id: string }> }) {
  const { tenant: slug, id: rawId } = await params;
  const id = recordId(rawId);
  return orUnavailable(
    tenantPage(slug, 'orders.update', async () => {
      const [order, customers, products] = await Promise.all([orNotFound(() => getOrder(id)), customerOptions(), productOptions()]);
      return (
        <div className="max-w-3xl">
          <PageHeader title={`Edit order #${order.number}`} />
          <Card className="mt-6">
            <CardContent>
              {isEditable(order.status) ? (
                <OrderForm
                  action={updateOrderAction.bind(null, slug)}
                  customers={customers.map((c) => ({ id: c.id, label: `${c.name} (${c.email})` }))}
                  products={products.map((p) => ({ id: p.id, label: `${p.name} · ${p.sku}`, unitPrice: p.unitPrice }))}
                  currency={order.currency}
                  initial={{
                    id,
                    version: order.version,
                    customerId: order.customerId,
                    notes: order.notes,
                    lines: order.items.map((i) => ({ productId: i.productId, quantity: i.quantity })),
                  }}
                  submitLabel="Save order"
                />
              ) : (
                <EmptyState title={`This order is ${orderStatusLabel(order.status)} and can no longer be edited.`} />
              )}
            </CardContent>
          </Card>
        </div>
      );
    }),
    'page',
  );
}
