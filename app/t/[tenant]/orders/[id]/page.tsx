import type { Metadata } from 'next';
import Link from 'next/link';
import { ConfirmButtonForm } from '@/components/forms/confirm-button-form';
import { RefundForm } from '@/components/orders/refund-form';
import { Card, LinkButton, PageHeader, StatusBadge, tableClasses as t } from '@/components/ui/page';
import { orUnavailable } from '@/components/ui/unavailable';
import { orNotFound, recordId, tenantPage } from '@/lib/auth/entry';
import { can } from '@/lib/auth/permissions';
import { formatMoney, toDecimalString } from '@/lib/money';
import { getOrder } from '@/lib/orders/service';
import { cancelOrderAction, payOrderAction, refundOrderAction } from '../actions';

export const metadata: Metadata = { title: 'Order' };

export default async function OrderPage({ params }: { params: Promise<{ tenant: string; id: string }> }) {
  const { tenant: slug, id: rawId } = await params;
  const id = recordId(rawId);
  return orUnavailable(tenantPage(slug, 'orders.view', async (access) => {
    const order = await orNotFound(() => getOrder(id));
    const money = (minor: number) => formatMoney(minor, order.currency);
    const unpaid = order.status === 'pending' || order.status === 'draft';
    const refundable = (order.status === 'paid' || order.status === 'partially_refunded') && order.refundable > 0;
    return (
      <div className="max-w-4xl space-y-6">
        <PageHeader
          title={`Order #${order.number}`}
          description={
            <>
              <Link href={`/t/${slug}/customers/${order.customer.id}`} className="text-brand-700 underline underline-offset-2">{order.customer.name}</Link> · placed {order.placedAt.toISOString().slice(0, 16).replace('T', ' ')} UTC · <StatusBadge status={order.status} />
            </>
          }
          actions={
            <>
              {unpaid && can(access.role, 'orders.update') ? <LinkButton href={`/t/${slug}/orders/${id}/edit`} variant="secondary">Edit</LinkButton> : null}
              {unpaid && can(access.role, 'orders.pay') ? <ConfirmButtonForm action={payOrderAction.bind(null, slug)} fields={{ id }} label="Mark paid" confirm={`Record a payment of ${money(order.total)}?`} variant="secondary" /> : null}
              {unpaid && can(access.role, 'orders.cancel') ? <ConfirmButtonForm action={cancelOrderAction.bind(null, slug)} fields={{ id }} label="Cancel order" confirm="Cancel this order?" /> : null}
            </>
          }
        />
        <Card title="Items">
          <table className={t.table}>
            <thead className={t.head}>
              <tr>
                <th className={t.th}>Product</th>
                <th className={`${t.th} text-right`}>Quantity</th>
                <th className={`${t.th} text-right`}>Unit price</th>
                <th className={`${t.th} text-right`}>Total</th>
              </tr>
            </thead>
            <tbody className={t.body}>
              {order.items.map((item) => (
                <tr key={item.id}>
                  <td className={t.td}>{item.description} <span className="font-mono text-xs text-slate-500">{item.product.sku}</span></td>
                  <td className={t.num}>{item.quantity}</td>
                  <td className={t.num}>{money(item.unitPrice)}</td>
                  <td className={t.num}>{money(item.total)}</td>
                </tr>
              ))}
            </tbody>
            <tfoot>
              <tr>
                <td className={`${t.td} font-semibold`} colSpan={3}>Total</td>
                <td className={`${t.num} font-semibold`} data-testid="order-total">{money(order.total)}</td>
              </tr>
            </tfoot>
          </table>
        </Card>
        <div className="grid gap-6 md:grid-cols-2">
          <Card title="Payments and refunds">
            <dl className="grid grid-cols-2 gap-2 text-sm">
              <dt className="text-slate-500">Paid</dt>
              <dd className="text-right tabular-nums" data-testid="paid">{money(order.paid)}</dd>
              <dt className="text-slate-500">Refunded</dt>
              <dd className="text-right tabular-nums" data-testid="refunded">{money(order.refunded)}</dd>
            </dl>
            <ul className="mt-4 space-y-1 text-xs text-slate-600">
              {order.payments.map((p) => <li key={p.id}>+ {money(p.amount)} received {p.receivedAt.toISOString().slice(0, 10)} ({p.method})</li>)}
              {order.refunds.map((r) => <li key={r.id}>− {money(r.amount)} refunded {r.refundedAt.toISOString().slice(0, 10)}{r.reason ? ` — ${r.reason}` : ''}</li>)}
            </ul>
            {refundable && can(access.role, 'orders.refund') ? (
              <div className="mt-4 border-t border-slate-200 pt-4">
                <RefundForm action={refundOrderAction.bind(null, slug)} orderId={id} max={toDecimalString(order.refundable)} currency={order.currency} />
              </div>
            ) : null}
          </Card>
          <Card title="Timeline">
            <ol className="space-y-2 text-sm">
              {order.timeline.map((event) => (
                <li key={event.id}>
                  <span className="font-medium text-slate-900">{event.action.replace('order.', '')}</span>{' '}
                  <span className="text-slate-500">by {event.actorLabel ?? event.actorType} · {event.createdAt.toISOString().slice(0, 16).replace('T', ' ')}</span>
                </li>
              ))}
              {order.timeline.length === 0 ? <li className="text-slate-500">No recorded events.</li> : null}
            </ol>
          </Card>
        </div>
        {order.notes ? <Card title="Notes"><p className="text-sm text-slate-700">{order.notes}</p></Card> : null}
      </div>
    );
  }), 'page');
}
