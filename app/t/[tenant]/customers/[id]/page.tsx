import type { Metadata } from 'next';

import { CustomerForm } from '@/components/customers/customer-form';
import { ConfirmButtonForm } from '@/components/forms/confirm-button-form';
import { OrdersTable } from '@/components/orders/orders-table';
import { Card, CardContent, CardHeader, CardTitle } from '@/components/ui/card';
import { PageHeader } from '@/components/ui/page-header';
import { StatusBadge } from '@/components/ui/status-badge';
import { orUnavailable } from '@/components/ui/unavailable';
import { orNotFound, recordId, tenantPage } from '@/lib/auth/entry';
import { can } from '@/lib/auth/permissions';
import { getCustomer } from '@/lib/customers/service';
import { listOrders } from '@/lib/orders/service';

import { archiveCustomerAction, updateCustomerAction } from '../actions';

export const metadata: Metadata = { title: 'Customer' };

export default async function CustomerPage({ params }: { params: Promise<{ tenant: string; id: string }> }) {
  const { tenant: slug, id: rawId } = await params;
  const id = recordId(rawId);
  return orUnavailable(
    tenantPage(slug, 'customers.view', async (access) => {
      const customer = await orNotFound(() => getCustomer(id));
      const orders = can(access.role, 'orders.view') ? await listOrders({ customerId: id }) : { items: [] };
      return (
        <div className="max-w-4xl space-y-6">
          <PageHeader
            title={customer.name}
            description={
              <>
                {customer.email}
                {customer.company ? ` · ${customer.company}` : ''} {customer.archivedAt ? <StatusBadge status="archived" /> : null}
              </>
            }
            actions={
              can(access.role, 'customers.archive') ? (
                <ConfirmButtonForm
                  action={archiveCustomerAction.bind(null, slug)}
                  fields={{ id, archived: customer.archivedAt ? 'false' : 'true' }}
                  label={customer.archivedAt ? 'Restore' : 'Archive'}
                  confirm={
                    customer.archivedAt
                      ? 'Restore this customer?'
                      : 'Archive this customer? Existing orders stay; new orders cannot use them.'
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
              {can(access.role, 'customers.update') ? (
                <CustomerForm action={updateCustomerAction.bind(null, slug)} initial={customer} submitLabel="Save changes" />
              ) : (
                <dl className="grid gap-3 text-sm sm:grid-cols-2">
                  <div>
                    <dt className="text-muted-foreground">Phone</dt>
                    <dd>{customer.phone ?? '—'}</dd>
                  </div>
                  <div>
                    <dt className="text-muted-foreground">Notes</dt>
                    <dd>{customer.notes ?? '—'}</dd>
                  </div>
                </dl>
              )}
            </CardContent>
          </Card>
          {orders.items.length ? (
            <Card>
              <CardHeader>
                <CardTitle>Recent orders</CardTitle>
              </CardHeader>
              <CardContent>
                <OrdersTable slug={slug} orders={orders.items} variant="compact" placed />
              </CardContent>
            </Card>
          ) : null}
        </div>
      );
    }),
    'page',
  );
}
