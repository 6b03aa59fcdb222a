// Whose data came back. A latency figure for tenant A is worth nothing if A was being served B's
// orders, so every 200 either side receives is parsed and held against what the ops role says the
// tenant owns: every order id and customer id must be the caller's own, a detail must be the order
// that was asked for, and the other tenant's canaries (the SKU prefix and customer e-mail domain
// the demo seed writes) must not appear anywhere in the body.

/** What one tenant owns, and the strings that only the other tenant's rows contain. */
export interface Ownership {
  orderIds: ReadonlySet<string>;
  customerIds: ReadonlySet<string>;
  foreignMarkers: readonly string[];
}

/** The same, as plain arrays: what crosses the IPC channel to the flood process. */
export interface OwnershipData {
  orderIds: string[];
  customerIds: string[];
  foreignMarkers: string[];
}

export const ownershipOf = (data: OwnershipData): Ownership => ({
  orderIds: new Set(data.orderIds),
  customerIds: new Set(data.customerIds),
  foreignMarkers: data.foreignMarkers,
});

export interface AnswerCounts {
  /** 200s whose every row was the caller's own and the one asked for. */
  checked: number;
  /** 200s carrying anything the caller does not own: an isolation failure. */
  foreign: number;
  /** 200s that were the caller's own but not the answer asked for (empty list, other order). */
  wrong: number;
  firstProblem?: string;
}

export const emptyAnswerCounts = (): AnswerCounts => ({ checked: 0, foreign: 0, wrong: 0 });

export function addAnswerCounts(into: AnswerCounts, from: AnswerCounts): void {
  into.checked += from.checked;
  into.foreign += from.foreign;
  into.wrong += from.wrong;
  into.firstProblem ??= from.firstProblem;
}

interface OrderSummary {
  id?: unknown;
  customer?: { id?: unknown };
}

const excerpt = (body: string) => (body.length > 160 ? `${body.slice(0, 160)}…` : body);

function foreignMarkerIn(body: string, owner: Ownership): string | undefined {
  return owner.foreignMarkers.find((marker) => body.includes(marker));
}

function notOwned(order: OrderSummary, owner: Ownership): boolean {
  return (
    typeof order.id !== 'string' ||
    !owner.orderIds.has(order.id) ||
    typeof order.customer?.id !== 'string' ||
    !owner.customerIds.has(order.customer.id)
  );
}

function parse(body: string, counts: AnswerCounts): unknown {
  try {
    return JSON.parse(body) as unknown;
  } catch {
    counts.wrong += 1;
    counts.firstProblem ??= `a 200 that is not JSON: ${excerpt(body)}`;
    return undefined;
  }
}

/** GET /api/v1/orders: a non-empty page, every order and its customer the caller's own. */
export function checkOrderList(body: string, owner: Ownership, counts: AnswerCounts): void {
  const marker = foreignMarkerIn(body, owner);
  if (marker) {
    counts.foreign += 1;
    counts.firstProblem ??= `an order list carrying ${marker}: ${excerpt(body)}`;
    return;
  }
  const page = parse(body, counts) as { data?: OrderSummary[] } | undefined;
  if (page === undefined) return;
  if (!Array.isArray(page.data) || page.data.length === 0) {
    counts.wrong += 1;
    counts.firstProblem ??= `an empty or malformed order list: ${excerpt(body)}`;
    return;
  }
  const stranger = page.data.find((order) => notOwned(order, owner));
  if (stranger) {
    counts.foreign += 1;
    counts.firstProblem ??= `an order list with order ${String(stranger.id)} the caller does not own`;
    return;
  }
  counts.checked += 1;
}

/** GET /api/v1/orders/{id}: exactly the order asked for, the caller's own. */
export function checkOrderDetail(body: string, requestedId: string, owner: Ownership, counts: AnswerCounts): void {
  const marker = foreignMarkerIn(body, owner);
  if (marker) {
    counts.foreign += 1;
    counts.firstProblem ??= `order ${requestedId} came back carrying ${marker}`;
    return;
  }
  const order = parse(body, counts) as OrderSummary | undefined;
  if (order === undefined) return;
  if (notOwned(order, owner)) {
    counts.foreign += 1;
    counts.firstProblem ??= `asked for order ${requestedId}, got ${String(order.id)}, which the caller does not own`;
    return;
  }
  if (order.id !== requestedId) {
    counts.wrong += 1;
    counts.firstProblem ??= `asked for order ${requestedId}, got the caller's order ${String(order.id)}`;
    return;
  }
  counts.checked += 1;
}
