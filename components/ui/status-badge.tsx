import { Badge, type BadgeVariant } from './badge';

/** The tone of each record status (orders' lifecycle, and archived records). */
const STATUS_TONES: Record<string, BadgeVariant> = {
  paid: 'success',
  pending: 'warning',
  draft: 'secondary',
  partially_refunded: 'info',
  refunded: 'notice',
  cancelled: 'destructive',
  archived: 'muted',
};

export function StatusBadge({ status }: { status: string }) {
  return (
    <Badge variant={STATUS_TONES[status] ?? 'secondary'} data-testid="status">
      {status.replace('_', ' ')}
    </Badge>
  );
}
