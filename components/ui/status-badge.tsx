import { orderStatusLabel, type OrderStatus } from '@/lib/orders/status';

import { Badge, type BadgeVariant } from './badge';

/** The tone of each record status (orders' lifecycle, and archived records). */
const STATUS_TONES: Record<OrderStatus | 'archived', BadgeVariant> = {
  paid: 'success',
  pending: 'warning',
  draft: 'secondary',
  partially_refunded: 'info',
  refunded: 'notice',
  cancelled: 'destructive',
  archived: 'muted',
};

export function StatusBadge({ status }: { status: OrderStatus | 'archived' }) {
  return (
    <Badge variant={STATUS_TONES[status]} data-testid="status">
      {status === 'archived' ? status : orderStatusLabel(status)}
    </Badge>
  );
}
