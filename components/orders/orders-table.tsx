import Link from 'next/link';

import { StatusBadge } from '@/components/ui/status-badge';
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from '@/components/ui/table';
import { formatMoney } from '@/lib/money';
import type { OrderStatus } from '@/lib/orders/status';

/** An order as the lists show it (a row of listOrders()). */
export interface OrderRow {
  id: string;
  number: number;
  placedAt: Date;
  status: OrderStatus;
  total: number;
  currency: string;
  customer: { name: string; email: string };
}

/**
 * Orders, one row each: the number (a link to the order), the columns asked for, the status and
 * the total. The `list` variant is the orders page's, with a header row and links styled like the
 * other lists; `compact` sits in a card (the dashboard, a customer) without one.
 */
export function OrdersTable({
  slug,
  orders,
  variant,
  placed = false,
  customer,
}: {
  slug: string;
  orders: OrderRow[];
  variant: 'list' | 'compact';
  /** A column with the day the order was placed (UTC). */
  placed?: boolean;
  /** A column with the customer's name, and their email after it. */
  customer?: 'name' | 'name and email';
}) {
  const list = variant === 'list';
  return (
    <Table>
      {list ? (
        <TableHeader>
          <TableRow>
            <TableHead>Order</TableHead>
            {placed ? <TableHead>Placed</TableHead> : null}
            {customer ? <TableHead>Customer</TableHead> : null}
            <TableHead>Status</TableHead>
            <TableHead className="text-right">Total</TableHead>
          </TableRow>
        </TableHeader>
      ) : null}
      <TableBody>
        {orders.map((o) => (
          <TableRow key={o.id}>
            <TableCell>
              <Link
                href={`/t/${slug}/orders/${o.id}`}
                className={list ? 'font-medium text-foreground hover:underline' : 'font-medium text-primary'}
              >
                #{o.number}
              </Link>
            </TableCell>
            {placed ? <TableCell>{o.placedAt.toISOString().slice(0, 10)}</TableCell> : null}
            {customer === 'name' ? <TableCell>{o.customer.name}</TableCell> : null}
            {customer === 'name and email' ? (
              <TableCell>
                {o.customer.name} <span className="text-xs text-muted-foreground">{o.customer.email}</span>
              </TableCell>
            ) : null}
            <TableCell>
              <StatusBadge status={o.status} />
            </TableCell>
            <TableCell className="text-right tabular-nums">{formatMoney(o.total, o.currency)}</TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}
