import type { Metadata } from 'next';
import Link from 'next/link';

import { ConfirmButtonForm } from '@/components/forms/confirm-button-form';
import { RefundForm } from '@/components/orders/refund-form';
import { Card, CardContent, CardHeader, CardTitle } from '@/components/ui/card';
import { LinkButton } from '@/components/ui/link-button';
import { PageHeader } from '@/components/ui/page-header';
import { StatusBadge } from '@/components/ui/status-badge';
import { Table, TableBody, TableCell, TableFooter, TableHead, TableHeader, TableRow } from '@/components/ui/table';
import { orUnavailable } from '@/components/ui/unavailable';
import { orNotFound, recordId, tenantPage } from '@/lib/auth/entry';
import { can } from '@/lib/auth/permissions';
import { formatMoney, toDecimalString } from '@/lib/money';
import { getOrder } from '@/lib/orders/service';
import { isEditable, isRefundable } from '@/lib/orders/status';

import { cancelOrderAction, payOrderAction, refundOrderAction } from '../actions';

export const metadata: Metadata = { title: 'Order' };

export default async function OrderPage({ params }: { params: Promise<{ tenant: string; id: string }> }) {
  const { tenant: slug, id: rawId } = await params;
  const id = recordId(rawId);
  return orUnavailable(
    tenantPage(slug, 'orders.view', async (access) => {
      const order = await orNotFound(() => getOrder(id));
      const money = (minor: number) => formatMoney(minor, order.currency);
      const editable = isEditable(order.status);
      const refundable = isRefundable(order.status) && order.refundable > 0;
      return (
        <div className="max-w-4xl space-y-6">
          <PageHeader
            title={`Order #${order.number}`}
            description={
              <>
                <Link href={`/t/${slug}/customers/${order.customer.id}`} className="text-primary underline underline-offset-2">
                  {order.customer.name}
                </Link>{' '}
                · placed {order.placedAt.toISOString().slice(0, 16).replace('T', ' ')} UTC · <StatusBadge status={order.status} />
              </>
            }
            actions={
              <>
                {editable && can(access.role, 'orders.update') ? (
                  <LinkButton href={`/t/${slug}/orders/${id}/edit`} variant="outline">
                    Edit
                  </LinkButton>
                ) : null}
                {editable && can(access.role, 'orders.pay') ? (
                  <ConfirmButtonForm
                    action={payOrderAction.bind(null, slug)}
                    fields={{ id }}
                    label="Mark paid"
                    confirm={`Record a payment of ${money(order.total)}?`}
                    variant="outline"
                  />
                ) : null}
                {editable && can(access.role, 'orders.cancel') ? (
                  <ConfirmButtonForm
                    action={cancelOrderAction.bind(null, slug)}
                    fields={{ id }}
                    label="Cancel order"
                    confirm="Cancel this order?"
                  />
                ) : null}
              </>
            }
          />
          <Card>
            <CardHeader>
              <CardTitle>Items</CardTitle>
            </CardHeader>
            <CardContent>
              <Table>
                <TableHeader>
                  <TableRow>
                    <TableHead>Product</TableHead>
                    <TableHead className="text-right">Quantity</TableHead>
                    <TableHead className="text-right">Unit price</TableHead>
                    <TableHead className="text-right">Total</TableHead>
                  </TableRow>
                </TableHeader>
                <TableBody>
                  {order.items.map((item) => (
                    <TableRow key={item.id}>
                      <TableCell>
                        {item.description} <span className="font-mono text-xs text-muted-foreground">{item.product.sku}</span>
                      </TableCell>
                      <TableCell className="text-right tabular-nums">{item.quantity}</TableCell>
                      <TableCell className="text-right tabular-nums">{money(item.unitPrice)}</TableCell>
                      <TableCell className="text-right tabular-nums">{money(item.total)}</TableCell>
                    </TableRow>
                  ))}
                </TableBody>
                <TableFooter>
                  <TableRow>
                    <TableCell className="font-semibold" colSpan={3}>
                      Total
                    </TableCell>
                    <TableCell className="text-right font-semibold tabular-nums" data-testid="order-total">
                      {money(order.total)}
                    </TableCell>
                  </TableRow>
                </TableFooter>
              </Table>
            </CardContent>
          </Card>
          <div className="grid gap-6 md:grid-cols-2">
            <Card>
              <CardHeader>
                <CardTitle>Payments and refunds</CardTitle>
              </CardHeader>
              <CardContent>
                <dl className="grid grid-cols-2 gap-2 text-sm">
                  <dt className="text-muted-foreground">Paid</dt>
                  <dd className="text-right tabular-nums" data-testid="paid">
                    {money(order.paid)}
                  </dd>
                  <dt className="text-muted-foreground">Refunded</dt>
                  <dd className="text-right tabular-nums" data-testid="refunded">
                    {money(order.refunded)}
                  </dd>
                </dl>
                <ul className="mt-4 space-y-1 text-xs text-muted-foreground">
                  {order.payments.map((p) => (
                    <li key={p.id}>
                      + {money(p.amount)} received {p.receivedAt.toISOString().slice(0, 10)} ({p.method})
                    </li>
                  ))}
                  {order.refunds.map((r) => (
                    <li key={r.id}>
                      − {money(r.amount)} refunded {r.refundedAt.toISOString().slice(0, 10)}
                      {r.reason ? ` — ${r.reason}` : ''}
                    </li>
                  ))}
                </ul>
                {refundable && can(access.role, 'orders.refund') ? (
                  <div className="mt-4 border-t border-border pt-4">
                    <RefundForm
                      action={refundOrderAction.bind(null, slug)}
                      orderId={id}
                      max={toDecimalString(order.refundable)}
                      currency={order.currency}
                    />
                  </div>
                ) : null}
              </CardContent>
            </Card>
            <Card>
              <CardHeader>
                <CardTitle>Timeline</CardTitle>
              </CardHeader>
              <CardContent>
                <ol className="space-y-2 text-sm">
                  {order.timeline.map((event) => (
                    <li key={event.id}>
                      <span className="font-medium text-foreground">{event.action.replace('order.', '')}</span>{' '}
                      <span className="text-muted-foreground">
                        by {event.actorLabel ?? event.actorType} · {event.createdAt.toISOString().slice(0, 16).replace('T', ' ')}
                      </span>
                    </li>
                  ))}
                  {order.timeline.length === 0 ? <li className="text-muted-foreground">No recorded events.</li> : null}
                </ol>
              </CardContent>
            </Card>
          </div>
          {order.notes ? (
            <Card>
              <CardHeader>
                <CardTitle>Notes</CardTitle>
              </CardHeader>
              <CardContent>
                <p className="text-sm text-foreground">{order.notes}</p>
              </CardContent>
            </Card>
          ) : null}
        </div>
      );
    }),
    'page',
  );
}
