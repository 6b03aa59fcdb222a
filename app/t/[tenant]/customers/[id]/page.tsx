import type { Metadata } from 'next';
import Link from 'next/link';
import { CustomerForm } from '@/components/customers/customer-form';
import { ConfirmButtonForm } from '@/components/forms/confirm-button-form';
import { Card, PageHeader, StatusBadge, tableClasses as t } from '@/components/ui/page';
import { orUnavailable } from '@/components/ui/unavailable';
import { orNotFound, recordId, tenantPage } from '@/lib/auth/entry';
import { can } from '@/lib/auth/permissions';
import { getCustomer } from '@/lib/customers/service';
import { formatMoney } from '@/lib/money';
import { listOrders } from '@/lib/orders/service';
import { archiveCustomerAction, updateCustomerAction } from '../actions';

export const metadata: Metadata = { title: 'Customer' };

export default async function CustomerPage({ params }: { params: Promise<{ tenant: string; id: string }> }) {
  const { tenant: slug, id: rawId } = await params;
  const id = recordId(rawId);
  return orUnavailable(tenantPage(slug, 'customers.view', async (access) => {
    const customer = await orNotFound(() => getCustomer(id));
    const orders = can(access.role, 'orders.view') ? await listOrders({ customerId: id }) : { items: [] };
    return (
      <div className="max-w-4xl space-y-6">
        <PageHeader
          title={customer.name}
          description={<>{customer.email}{customer.company ? ` · ${customer.company}` : ''} {customer.archivedAt ? <StatusBadge status="archived" /> : null}</>}
          actions={
            can(access.role, 'customers.archive') ? (
              <ConfirmButtonForm
                action={archiveCustomerAction.bind(null, slug)}
                fields={{ id, archived: customer.archivedAt ? 'false' : 'true' }}
                label={customer.archivedAt ? 'Restore' : 'Archive'}
                confirm={customer.archivedAt ? 'Restore this customer?' : 'Archive this customer? Existing orders stay; new orders cannot use them.'}
                variant="secondary"
              />
            ) : null
          }
        />
        <Card title="Details">
          {can(access.role, 'customers.update') ? (
            <CustomerForm action={updateCustomerAction.bind(null, slug)} initial={customer} submitLabel="Save changes" />
          ) : (
            <dl className="grid gap-3 text-sm sm:grid-cols-2">
              <div><dt className="text-slate-500">Phone</dt><dd>{customer.phone ?? '—'}</dd></div>
              <div><dt className="text-slate-500">Notes</dt><dd>{customer.notes ?? '—'}</dd></div>
            </dl>
          )}
        </Card>
        {orders.items.length ? (
          <Card title="Recent orders">
            <table className={t.table}>
              <tbody className={t.body}>
                {orders.items.map((o) => (
                  <tr key={o.id}>
                    <td className={t.td}><Link href={`/t/${slug}/orders/${o.id}`} className="font-medium text-brand-700">#{o.number}</Link></td>
                    <td className={t.td}>{o.placedAt.toISOString().slice(0, 10)}</td>
                    <td className={t.td}><StatusBadge status={o.status} /></td>
                    <td className={t.num}>{formatMoney(o.total, o.currency)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </Card>
        ) : null}
      </div>
    );
  }), 'page');
}
