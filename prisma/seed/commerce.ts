import type pg from 'pg';
import { Random, uuidV7 } from './random';

// Realistic commerce data for one tenant — customers, a product catalogue, orders with line items,
// payments and refunds — plus the report figures that data must produce, computed here from the
// generated rows and never read back from the database. A report query that leaks another tenant's
// rows, buckets by the server's time zone instead of the tenant's, or sums the wrong column then
// disagrees with a number that did not come from SQL.
//
// The amount signature. Every amount of a tenant is ≡ `signature` (mod 7), so a figure that
// mixes tenants shows it: with acme at 0 and globex at 1, any sum of acme amounts is ≡ 0 and a sum
// of k globex amounts ≡ k; one foreign row breaks that. "Every amount ≡ s" cannot hold for line
// totals AND order totals together when
// s ≠ 0: a sum of n lines that are each ≡ s is ≡ n·s, which is s only for n ≡ 1 (mod 7). We keep
// the signature on everything a report shows as a single figure, and make line totals follow:
//   * every catalogue price, hence every line's unit_price, is ≡ s;
//   * the quantities of an order add up to 1, 8 or 15 units (≡ 1 mod 7), so the order's subtotal
//     = total = Σ line totals = s·(units) ≡ s;
//   * a line's total is ≡ s·quantity; no line has 7 or 14 units, so for s ≠ 0 a line total is
//     never ≡ 0: a globex line can never pass for one of acme's;
//   * a payment is the order's total; a refund is the full total (one row), one unit of a line
//     (a unit_price), or a goodwill amount snapped to ≡ s — every refund row is ≡ s.
//
// Canaries (the tenant's canary string, which isolation tests search every response for) go into
// tenant-table rows only: every customer's notes and every product's SKU prefix. Customer emails
// are @<slug>.test. Tenant and user rows never carry them: those are shown across tenants by design
// (the tenant switcher, a shared member's profile).

export const ORDER_STATUSES = ['draft', 'pending', 'paid', 'partially_refunded', 'refunded', 'cancelled'] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

export interface CommerceTenant {
  id: string;
  slug: string;
  timezone: string;
  currency: string;
}

export interface CommerceOptions {
  customers: number;
  products: number;
  orders: number;
  /** Calendar months of history in the tenant's zone: the current month and the months - 1 before it. */
  months: number;
  seed: number;
  /** 0–6: every amount of this tenant is ≡ signature (mod 7), see the top of this file. */
  signature: number;
  canary: string;
  /** The end of the history; defaults to the current time. Same seed + same now = same data. */
  now?: Date;
}

/** Money in the tenant's minor units; counts are rows. */
export interface RevenueFigures {
  /** Σ payments.amount */
  gross: number;
  /** Σ refunds.amount */
  refunds: number;
  /** gross − refunds */
  net: number;
  /** number of payments */
  payments: number;
  /** number of refund rows */
  refundCount: number;
}

export interface ProductFigures {
  name: string;
  /** Units sold on orders that were paid (status paid, partially_refunded or refunded). */
  quantity: number;
  /**
   * Σ order_items.total of those lines: gross sales before refunds (refunds belong to orders, not
   * lines). Every paid order has exactly one payment, so this is also what a report counting the
   * lines of orders paid in a range shows for a range covering the whole history.
   */
  gross: number;
}

export interface ExpectedFigures {
  timezone: string;
  currency: string;
  signature: number;
  /**
   * Revenue per calendar month in the tenant's time zone ("YYYY-MM"): payments by received_at,
   * refunds by refunded_at. Every month from the first order's to the last event's (with enough
   * orders: the whole history, `months` keys), oldest first, empty months as zeros.
   */
  byMonth: Record<string, RevenueFigures>;
  totals: RevenueFigures;
  orders: { total: number; byStatus: Record<OrderStatus, number> };
  /** Keyed by SKU. */
  byProduct: Record<string, ProductFigures>;
  customers: number;
  products: number;
  orderItems: number;
}

// Rows as generated; times are Unix milliseconds (whole seconds).
export interface CustomerRow {
  id: string;
  name: string;
  email: string;
  phone: string | null;
  company: string | null;
  notes: string;
  createdAt: number;
}
export interface ProductRow {
  id: string;
  sku: string;
  name: string;
  description: string;
  unitPrice: number;
  createdAt: number;
}
export interface OrderRow {
  id: string;
  number: number;
  customerId: string;
  status: OrderStatus;
  currency: string;
  subtotal: number;
  total: number;
  notes: string | null;
  placedAt: number;
  paidAt: number | null;
  cancelledAt: number | null;
  updatedAt: number;
}
export interface OrderItemRow {
  id: string;
  orderId: string;
  productId: string;
  description: string;
  quantity: number;
  unitPrice: number;
  total: number;
}
export interface PaymentRow {
  id: string;
  orderId: string;
  amount: number;
  method: string;
  receivedAt: number;
}
export interface RefundRow {
  id: string;
  orderId: string;
  amount: number;
  reason: string;
  refundedAt: number;
}
export interface CommerceData {
  customers: CustomerRow[];
  products: ProductRow[];
  orders: OrderRow[];
  orderItems: OrderItemRow[];
  payments: PaymentRow[];
  refunds: RefundRow[];
}

/**
 * Generates the tenant's commerce history, writes it through `client` (the ops role: BYPASSRLS,
 * tenant_id spelled out), and returns the figures the data must produce. The caller owns the
 * transaction. Refuses a tenant that already has customers or orders: numbers and SKUs would clash.
 */
export async function seedCommerce(client: pg.ClientBase, tenant: CommerceTenant, options: CommerceOptions): Promise<ExpectedFigures> {
  const { rows } = await client.query<{ present: boolean }>(
    `SELECT EXISTS (SELECT 1 FROM customers WHERE tenant_id = $1) OR EXISTS (SELECT 1 FROM orders WHERE tenant_id = $1) AS present`,
    [tenant.id],
  );
  if (rows[0]!.present) throw new Error(`Tenant ${tenant.slug} already has commerce data; seedCommerce only fills an empty tenant.`);
  const data = generateCommerce(tenant, options);
  await writeCommerce(client, [{ tenantId: tenant.id, data }]);
  return expectedFigures(data, tenant, options.signature);
}

// ─── Generation ────────────────────────────────────────────────────────────────────────────────

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** Pure: the same tenant, options and `now` always give the same rows, ids included. */
export function generateCommerce(tenant: CommerceTenant, options: CommerceOptions): CommerceData {
  validate(options);
  // Content depends on the seed alone, so two tenants seeded alike hold the same story; ids also
  // depend on the tenant, so no id ever exists in two tenants (an id from one tenant looked up in
  // another must find nothing, not a look-alike row).
  const random = new Random('commerce', options.seed);
  const ids = new Random('ids', options.seed, tenant.id);
  const now = Math.floor((options.now ?? new Date()).getTime() / SECOND) * SECOND;
  const calendar = new TenantCalendar(tenant.timezone);
  const history = historyWindow(calendar, now, options.months);

  const products = generateProducts(random, ids, options, history);
  const customers = generateCustomers(random, ids, tenant, options, history);
  const data: CommerceData = { customers, products, orders: [], orderItems: [], payments: [], refunds: [] };
  generateOrders(random, ids, tenant, options, calendar, history, now, data);
  // Payments and refunds come out in order-placement order; written in time order instead, their
  // time-ordered ids append to the primary-key index like the app's own inserts do.
  data.payments.sort((a, b) => a.receivedAt - b.receivedAt);
  data.refunds.sort((a, b) => a.refundedAt - b.refundedAt);
  return data;
}

function validate(options: CommerceOptions): void {
  const counts = { customers: options.customers, products: options.products, months: options.months };
  for (const [name, value] of Object.entries(counts)) {
    if (!Number.isInteger(value) || value < 1) throw new Error(`seedCommerce: ${name} must be a positive integer, got ${value}`);
  }
  if (!Number.isInteger(options.orders) || options.orders < 0) throw new Error(`seedCommerce: orders must be a whole number, got ${options.orders}`);
  if (!Number.isInteger(options.signature) || options.signature < 0 || options.signature > 6) {
    throw new Error(`seedCommerce: signature must be 0–6, got ${options.signature}`);
  }
  if (!options.canary.trim()) throw new Error('seedCommerce: canary must not be empty');
}

interface History {
  /** Local midnight of the first day of the first month. */
  start: number;
  /** Local calendar days from the first to today, with their daytime UTC offset. */
  days: { year: number; month: number; day: number; weekday: number; offset: number }[];
}

function historyWindow(calendar: TenantCalendar, now: number, months: number): History {
  const today = calendar.parts(now);
  const first = new Date(Date.UTC(today.year, today.month - 1 - (months - 1), 1));
  const days: History['days'] = [];
  for (let d = new Date(first); d.getTime() <= Date.UTC(today.year, today.month - 1, today.day); d.setUTCDate(d.getUTCDate() + 1)) {
    const [year, month, day] = [d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate()];
    days.push({ year, month, day, weekday: d.getUTCDay(), offset: calendar.daytimeOffset(year, month, day) });
  }
  const firstDay = days[0]!;
  return {
    start: calendar.startOfDay(firstDay.year, firstDay.month, firstDay.day),
    days,
  };
}

const DAYTIME_OFFSETS = new Map<string, number>();

/**
 * Local time in the tenant's zone through Intl (the ICU time-zone data Node ships), the same
 * IANA names PostgreSQL's AT TIME ZONE uses.
 */
class TenantCalendar {
  private readonly format: Intl.DateTimeFormat;

  constructor(readonly timeZone: string) {
    this.format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
  }

  parts(instant: number): { year: number; month: number; day: number; hour: number; minute: number; second: number } {
    const out = { year: 0, month: 0, day: 0, hour: 0, minute: 0, second: 0 };
    for (const part of this.format.formatToParts(instant)) {
      if (part.type in out) out[part.type as keyof typeof out] = Number(part.value);
    }
    return out;
  }

  /** "YYYY-MM" of the instant in this zone. */
  month(instant: number): string {
    const { year, month } = this.parts(instant);
    return monthKey(year, month);
  }

  /** Local wall time minus UTC at this instant, in ms. */
  offsetAt(instant: number): number {
    const p = this.parts(instant);
    return Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second) - Math.floor(instant / SECOND) * SECOND;
  }

  /**
   * The offset in force at local noon. DST switches happen at night (00:00–03:00 local in every
   * zone we know), so it holds for the whole business day we place orders in (06:00–24:00).
   */
  daytimeOffset(year: number, month: number, day: number): number {
    // Memoized across calendars: a benchmark seeds thousands of tenants in a handful of zones.
    const key = `${this.timeZone} ${year}-${month}-${day}`;
    let offset = DAYTIME_OFFSETS.get(key);
    if (offset === undefined) {
      const noon = Date.UTC(year, month - 1, day, 12);
      offset = this.offsetAt(noon - this.offsetAt(noon));
      DAYTIME_OFFSETS.set(key, offset);
    }
    return offset;
  }

  /** The instant of local midnight starting this day (the offset may differ from noon's on a DST day). */
  startOfDay(year: number, month: number, day: number): number {
    const wall = Date.UTC(year, month - 1, day);
    return wall - this.offsetAt(wall - this.daytimeOffset(year, month, day));
  }
}

// Relative order volume: a December peak, a summer dip, quiet weekends, and growth over the window.
const SEASON = [0.85, 0.9, 1.0, 1.0, 1.0, 0.92, 0.75, 0.72, 1.0, 1.05, 1.3, 1.6]; // Jan … Dec
const WEEKDAY = [0.3, 1.0, 1.05, 1.05, 1.0, 0.9, 0.45]; // Sun … Sat
// Orders per local hour from 06:00 to 23:00: a morning ramp, a lunch dip, a long afternoon.
const HOURS = [1, 2, 4, 7, 9, 10, 8, 9, 10, 9, 8, 6, 5, 4, 4, 3, 2, 1];
const FIRST_HOUR = 6;

function generateProducts(random: Random, ids: Random, options: CommerceOptions, history: History): ProductRow[] {
  const names = new Set<string>();
  const drafts = Array.from({ length: options.products }, (_, i) => {
    const line = random.pick(CATALOGUE);
    let name = `${random.pick(line.finishes)} ${line.noun}`;
    for (let n = 2; names.has(name); n++) name = `${random.pick(line.finishes)} ${line.noun}${n > 4 ? ` ${n}` : ''}`;
    names.add(name);
    // Most of the catalogue predates the window; a few products launch during it. The first one
    // always exists from the start, so the earliest order has something to buy.
    const launched = i > 0 && random.chance(0.15);
    const createdAt = launched
      ? history.start + random.between(0.1, 0.85) * (history.days.length * DAY)
      : history.start - random.between(30, 900) * DAY;
    const target = line.price * random.between(0.75, 1.4);
    return { line, name, createdAt: wholeSecond(createdAt), unitPrice: catalogPrice(target, options.signature) };
  });
  drafts.sort((a, b) => a.createdAt - b.createdAt);
  return drafts.map((draft, i) => ({
    id: uuidV7(ids, draft.createdAt),
    sku: `${options.canary}-${draft.line.code}-${1001 + i}`,
    name: draft.name,
    description: `${draft.name} from our ${draft.line.range} range. ${draft.line.blurb}`,
    unitPrice: draft.unitPrice,
    createdAt: draft.createdAt,
  }));
}

/** A shelf price near `target` minor units that ends in 9 and is ≡ signature (mod 7). */
function catalogPrice(target: number, signature: number): number {
  // Prices ending in 9 step by 10 ≡ 3 (mod 7), which reaches every residue within 7 steps.
  let price = Math.max(Math.round(target / 10) * 10 + 9, 79);
  while (mod7(price) !== signature) price -= 10;
  return price;
}

/** The largest amount ≤ `amount` that is ≡ signature (mod 7), and at least one minor unit. */
export function withSignature(amount: number, signature: number): number {
  let snapped = Math.floor(amount) - mod7(Math.floor(amount) - signature);
  while (snapped < 1) snapped += 7;
  return snapped;
}

const monthKey = (year: number, month: number) => `${year}-${String(month).padStart(2, '0')}`;
const mod7 = (n: number) => ((n % 7) + 7) % 7;
const wholeSecond = (ms: number) => Math.floor(ms / SECOND) * SECOND;

function generateCustomers(random: Random, ids: Random, tenant: CommerceTenant, options: CommerceOptions, history: History): CustomerRow[] {
  const span = history.days.length * DAY;
  const emails = new Set<string>();
  const drafts = Array.from({ length: options.customers }, (_, i) => {
    const first = random.pick(FIRST_NAMES);
    const last = random.pick(LAST_NAMES);
    const local = `${first}.${last}`.toLowerCase().replace(/[^a-z.]/g, '');
    let email = `${local}@${tenant.slug}.test`;
    for (let n = 2; emails.has(email); n++) email = `${local}${n}@${tenant.slug}.test`;
    emails.add(email);
    // Four in ten were customers before the window; newer sign-ups come faster as the shop grows.
    // The first exists from the start so the earliest order has a customer.
    const existing = i === 0 || random.chance(0.4);
    const createdAt = existing ? history.start - random.between(1, 730) * DAY : history.start + Math.sqrt(random.next()) * span * 0.95;
    const company = random.chance(0.65) ? `${random.pick(COMPANY_WORDS)} ${random.pick(COMPANY_KINDS)}${random.pick(COMPANY_SUFFIXES)}` : null;
    return {
      name: `${first} ${last}`,
      email,
      phone: random.chance(0.7) ? phoneNumber(random, tenant.currency) : null,
      company,
      notes: `${options.canary} · ${random.pick(CUSTOMER_NOTES)}`,
      createdAt: wholeSecond(createdAt),
    };
  });
  drafts.sort((a, b) => a.createdAt - b.createdAt);
  return drafts.map((draft) => ({ id: uuidV7(ids, draft.createdAt), ...draft }));
}

function phoneNumber(random: Random, currency: string): string {
  // Numbers reserved for fiction, so a demo never dials a real person.
  if (currency === 'GBP') return `+44 20 7946 0${random.int(0, 999).toString().padStart(3, '0')}`;
  if (currency === 'AUD') return `+61 491 570 ${random.int(0, 999).toString().padStart(3, '0')}`;
  return `+1 202-555-01${random.int(0, 99).toString().padStart(2, '0')}`;
}

function generateOrders(
  random: Random,
  ids: Random,
  tenant: CommerceTenant,
  options: CommerceOptions,
  calendar: TenantCalendar,
  history: History,
  now: number,
  data: CommerceData,
): void {
  const { customers, products } = data;
  const placed = placementTimes(random, options.orders, calendar, history, now);

  // Popular products sell more: a Zipf-like weight over a shuffled popularity rank, cumulated in
  // launch order so "products on sale at time t" is a prefix.
  const ranks = random.shuffle(products.map((_, i) => i));
  const cumulative: number[] = [];
  products.forEach((_, i) => cumulative.push((cumulative[i - 1] ?? 0) + 1 / (ranks[i]! + 1) ** 0.9));

  let customersSoFar = 0;
  let productsSoFar = 0;
  for (let i = 0; i < placed.length; i++) {
    const placedAt = placed[i]!;
    while (customersSoFar < customers.length && customers[customersSoFar]!.createdAt <= placedAt) customersSoFar++;
    while (productsSoFar < products.length && products[productsSoFar]!.createdAt <= placedAt) productsSoFar++;
    // Regulars (the longest-standing customers) order most; a third of orders come from anyone.
    const eligible = Math.max(customersSoFar, 1);
    const customer = customers[random.chance(0.67) ? Math.floor(eligible * random.next() ** 2) : random.int(0, eligible - 1)]!;

    const orderId = uuidV7(ids, placedAt);
    const lines = pickProducts(random, cumulative, Math.max(productsSoFar, 1), 1 + random.weighted([34, 26, 20, 12, 8]));
    const quantities = splitUnits(random, lines.length);
    let total = 0;
    for (let l = 0; l < lines.length; l++) {
      const product = products[lines[l]!]!;
      const quantity = quantities[l]!;
      total += quantity * product.unitPrice;
      data.orderItems.push({
        id: uuidV7(ids, placedAt),
        orderId,
        productId: product.id,
        description: product.name,
        quantity,
        unitPrice: product.unitPrice,
        total: quantity * product.unitPrice,
      });
    }

    const order: OrderRow = {
      id: orderId,
      number: 1001 + i,
      customerId: customer.id,
      status: 'pending',
      currency: tenant.currency,
      subtotal: total,
      total,
      notes: random.chance(0.06) ? orderNote(random) : null,
      placedAt,
      paidAt: null,
      cancelledAt: null,
      updatedAt: placedAt,
    };
    settle(random, ids, order, quantities, lines.map((l) => products[l]!), options.signature, now, data);
    data.orders.push(order);
  }
}

/** `count` order times over the history, sorted, in local business hours, none after `now`. */
function placementTimes(random: Random, count: number, calendar: TenantCalendar, history: History, now: number): number[] {
  const { days } = history;
  const today = calendar.parts(now);
  const elapsedToday = Math.min(Math.max((today.hour + today.minute / 60 - FIRST_HOUR) / (24 - FIRST_HOUR), 0), 1);
  const cumulative: number[] = [];
  days.forEach((day, i) => {
    const growth = 0.55 + 0.45 * (i / Math.max(days.length - 1, 1));
    const share = i === days.length - 1 ? elapsedToday : 1;
    cumulative.push((cumulative[i - 1] ?? 0) + SEASON[day.month - 1]! * WEEKDAY[day.weekday]! * growth * share);
  });
  if (cumulative[cumulative.length - 1]! <= 0) cumulative[cumulative.length - 1] = 1; // a history of one day, before 06:00

  const times: number[] = [];
  for (let n = 0; n < count; n++) {
    const day = days[random.fromCumulative(cumulative)]!;
    let at = Number.POSITIVE_INFINITY;
    for (let attempt = 0; at > now && attempt < 20; attempt++) {
      const hour = FIRST_HOUR + random.weighted(HOURS);
      at = Date.UTC(day.year, day.month - 1, day.day, hour, random.int(0, 59), random.int(0, 59)) - day.offset;
    }
    // Early this morning with nothing drawn before now: just before now, never before the history.
    if (at > now) at = Math.max(now - random.int(1, 600) * SECOND, history.start);
    times.push(at);
  }
  return times.sort((a, b) => a - b);
}

function pickProducts(random: Random, cumulative: number[], available: number, wanted: number): number[] {
  const count = Math.min(wanted, available);
  const picked: number[] = [];
  for (let attempt = 0; picked.length < count && attempt < 50; attempt++) {
    const index = random.fromCumulative(cumulative, available);
    if (!picked.includes(index)) picked.push(index);
  }
  for (let index = 0; picked.length < count; index++) if (!picked.includes(index)) picked.push(index);
  return picked;
}

/**
 * Quantities for `lines` lines adding up to 1, 8 or 15 units — ≡ 1 (mod 7), which keeps the
 * order total on the signature — with no line at 7 or 14 units (a line total ≡ 0 would look like
 * acme's in any tenant).
 */
export function splitUnits(random: Random, lines: number): number[] {
  const units =
    lines === 1 ? [1, 8, 15][random.weighted([75, 20, 5])]! : lines === 5 ? [8, 15][random.weighted([60, 40])]! : [8, 15][random.weighted([85, 15])]!;
  const quantities = Array.from({ length: lines }, () => 1);
  for (let left = units - lines; left > 0; left--) quantities[random.int(0, lines - 1)]!++;
  for (let i = 0; i < lines; i++) {
    if (quantities[i]! % 7 === 0 && lines > 1) {
      quantities[i]!--;
      quantities[(i + 1) % lines]!++;
      i = -1; // the receiving line may have become a multiple of 7 itself: check all again
    }
  }
  return quantities;
}

/** Payment, cancellation and refunds as of `now`; sets the order's status and timestamps. */
function settle(
  random: Random,
  ids: Random,
  order: OrderRow,
  quantities: number[],
  products: ProductRow[],
  signature: number,
  now: number,
  data: CommerceData,
): void {
  const fate = random.next();
  if (fate < 0.04) {
    const cancelledAt = wholeSecond(order.placedAt + random.between(10 * MINUTE, 3 * DAY));
    if (cancelledAt <= now) Object.assign(order, { status: 'cancelled', cancelledAt, updatedAt: cancelledAt });
    return;
  }
  if (fate < 0.052) return; // an invoice nobody paid: pending for good

  const method = PAYMENT_METHODS[random.weighted([62, 28, 10])]!;
  const delay =
    method === 'card' ? random.between(5 * SECOND, 20 * MINUTE) : method === 'bank_transfer' ? random.between(1 * DAY, 10 * DAY) : random.between(2 * DAY, 30 * DAY);
  const receivedAt = wholeSecond(order.placedAt + Math.max(delay, SECOND));
  if (receivedAt > now) return; // not paid yet: pending
  data.payments.push({ id: uuidV7(ids, receivedAt), orderId: order.id, amount: order.total, method, receivedAt });
  Object.assign(order, { status: 'paid', paidAt: receivedAt, updatedAt: receivedAt });

  const refund = random.next();
  if (refund >= 0.09) return;
  let refundedAt = wholeSecond(receivedAt + random.between(1 * HOUR, 40 * DAY));
  if (refundedAt > now) return; // a refund that has not happened yet
  const addRefund = (amount: number, reason: string) => {
    data.refunds.push({ id: uuidV7(ids, refundedAt), orderId: order.id, amount, reason, refundedAt });
    order.updatedAt = refundedAt;
  };

  if (refund < 0.035) {
    // In full, as one row: two rows that are each ≡ s cannot add up to a total ≡ s.
    addRefund(order.total, random.pick(FULL_REFUND_REASONS));
    order.status = 'refunded';
    return;
  }
  const units = quantities.reduce((sum, q) => sum + q, 0);
  let refunded: number;
  if (units > 1 && random.chance(0.6)) {
    const line = random.int(0, products.length - 1);
    refunded = products[line]!.unitPrice;
    addRefund(refunded, `Returned 1 × ${products[line]!.name}`);
  } else {
    refunded = withSignature(order.total * random.between(0.1, 0.3), signature);
    addRefund(refunded, random.pick(GOODWILL_REASONS));
  }
  order.status = 'partially_refunded';
  if (random.chance(0.2)) {
    const second = withSignature((order.total - refunded) * random.between(0.1, 0.4), signature);
    refundedAt = wholeSecond(refundedAt + random.between(1 * DAY, 20 * DAY));
    if (refundedAt <= now && refunded + second < order.total) addRefund(second, random.pick(GOODWILL_REASONS));
  }
}

function orderNote(random: Random): string {
  const po = `PO ${random.int(1000, 9999)}-${String.fromCharCode(65 + random.int(0, 25))}`;
  return random.pick([po, `${po}; invoice to accounts payable`, ...ORDER_NOTES]);
}

// ─── Expected figures ──────────────────────────────────────────────────────────────────────────

/** The report figures of generated data, computed in TypeScript (see ExpectedFigures). */
export function expectedFigures(data: CommerceData, tenant: Pick<CommerceTenant, 'timezone' | 'currency'>, signature: number): ExpectedFigures {
  const calendar = new TenantCalendar(tenant.timezone);
  const zero = (): RevenueFigures => ({ gross: 0, refunds: 0, net: 0, payments: 0, refundCount: 0 });
  const byMonth: Record<string, RevenueFigures> = {};
  const bucket = (instant: number) => (byMonth[calendar.month(instant)] ??= zero());

  // Every month from the first order to the last event, so a chart gets its empty months too.
  let [first, last] = [Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY];
  for (const instants of [data.orders.map((o) => o.placedAt), data.payments.map((p) => p.receivedAt), data.refunds.map((r) => r.refundedAt)]) {
    for (const instant of instants) [first, last] = [Math.min(first, instant), Math.max(last, instant)];
  }
  if (data.orders.length > 0) {
    const lastMonth = calendar.month(last);
    let { year, month } = calendar.parts(first);
    for (;;) {
      const key = monthKey(year, month);
      byMonth[key] = zero();
      if (key === lastMonth) break;
      [year, month] = month === 12 ? [year + 1, 1] : [year, month + 1];
    }
  }
  const totals = zero();
  for (const payment of data.payments) {
    for (const figures of [bucket(payment.receivedAt), totals]) {
      figures.gross += payment.amount;
      figures.payments++;
    }
  }
  for (const refund of data.refunds) {
    for (const figures of [bucket(refund.refundedAt), totals]) {
      figures.refunds += refund.amount;
      figures.refundCount++;
    }
  }
  for (const figures of [...Object.values(byMonth), totals]) figures.net = figures.gross - figures.refunds;

  const byStatus = Object.fromEntries(ORDER_STATUSES.map((s) => [s, 0])) as Record<OrderStatus, number>;
  const paidOrders = new Set<string>();
  for (const order of data.orders) {
    byStatus[order.status]++;
    if (order.status === 'paid' || order.status === 'partially_refunded' || order.status === 'refunded') paidOrders.add(order.id);
  }
  const byProduct: Record<string, ProductFigures> = {};
  const skuOf = new Map(data.products.map((p) => [p.id, p]));
  for (const product of data.products) byProduct[product.sku] = { name: product.name, quantity: 0, gross: 0 };
  for (const item of data.orderItems) {
    if (!paidOrders.has(item.orderId)) continue;
    const figures = byProduct[skuOf.get(item.productId)!.sku]!;
    figures.quantity += item.quantity;
    figures.gross += item.total;
  }

  return {
    timezone: tenant.timezone,
    currency: tenant.currency,
    signature,
    byMonth,
    totals,
    orders: { total: data.orders.length, byStatus },
    byProduct,
    customers: data.customers.length,
    products: data.products.length,
    orderItems: data.orderItems.length,
  };
}

// ─── Writing ───────────────────────────────────────────────────────────────────────────────────

export interface TenantCommerce {
  tenantId: string;
  data: CommerceData;
}

export type CommerceTable = 'customers' | 'products' | 'orders' | 'order_items' | 'payments' | 'refunds';

/** Where each table's rows go: the live tables, or (scripts/seed.ts) staging tables of the same shape. */
export type CommerceTargets = Record<CommerceTable, string>;
export const LIVE_TABLES: CommerceTargets = {
  customers: 'customers',
  products: 'products',
  orders: 'orders',
  order_items: 'order_items',
  payments: 'payments',
  refunds: 'refunds',
};

type SqlType = 'uuid' | 'text' | 'int' | 'time';
interface Column<Row> {
  name: string;
  type: SqlType;
  /** An enum the text is cast to. */
  cast?: string;
  value: (row: Row) => string | number | null;
}
interface TableSpec {
  table: CommerceTable;
  rows: (data: CommerceData) => readonly unknown[];
  columns: Column<unknown>[];
  /** Columns that repeat another column's value (created_at = placed_at …). */
  copies: Record<string, string>;
}

function tableSpec<K extends keyof CommerceData>(
  table: CommerceTable,
  key: K,
  columns: Column<CommerceData[K][number]>[],
  copies: Record<string, string> = {},
): TableSpec {
  return { table, rows: (data) => data[key], columns: columns as Column<unknown>[], copies };
}

// In foreign-key order.
const TABLES: TableSpec[] = [
  tableSpec('customers', 'customers', [
    { name: 'id', type: 'uuid', value: (r) => r.id },
    { name: 'name', type: 'text', value: (r) => r.name },
    { name: 'email', type: 'text', value: (r) => r.email },
    { name: 'phone', type: 'text', value: (r) => r.phone },
    { name: 'company', type: 'text', value: (r) => r.company },
    { name: 'notes', type: 'text', value: (r) => r.notes },
    { name: 'created_at', type: 'time', value: (r) => r.createdAt },
  ], { updated_at: 'created_at' }),
  tableSpec('products', 'products', [
    { name: 'id', type: 'uuid', value: (r) => r.id },
    { name: 'sku', type: 'text', value: (r) => r.sku },
    { name: 'name', type: 'text', value: (r) => r.name },
    { name: 'description', type: 'text', value: (r) => r.description },
    { name: 'unit_price', type: 'int', value: (r) => r.unitPrice },
    { name: 'created_at', type: 'time', value: (r) => r.createdAt },
  ], { updated_at: 'created_at' }),
  tableSpec('orders', 'orders', [
    { name: 'id', type: 'uuid', value: (r) => r.id },
    { name: 'number', type: 'int', value: (r) => r.number },
    { name: 'customer_id', type: 'uuid', value: (r) => r.customerId },
    { name: 'status', type: 'text', cast: '"OrderStatus"', value: (r) => r.status },
    { name: 'currency', type: 'text', value: (r) => r.currency },
    { name: 'subtotal', type: 'int', value: (r) => r.subtotal },
    { name: 'total', type: 'int', value: (r) => r.total },
    { name: 'notes', type: 'text', value: (r) => r.notes },
    { name: 'placed_at', type: 'time', value: (r) => r.placedAt },
    { name: 'paid_at', type: 'time', value: (r) => r.paidAt },
    { name: 'cancelled_at', type: 'time', value: (r) => r.cancelledAt },
    { name: 'updated_at', type: 'time', value: (r) => r.updatedAt },
  ], { created_at: 'placed_at' }),
  tableSpec('order_items', 'orderItems', [
    { name: 'id', type: 'uuid', value: (r) => r.id },
    { name: 'order_id', type: 'uuid', value: (r) => r.orderId },
    { name: 'product_id', type: 'uuid', value: (r) => r.productId },
    { name: 'description', type: 'text', value: (r) => r.description },
    { name: 'quantity', type: 'int', value: (r) => r.quantity },
    { name: 'unit_price', type: 'int', value: (r) => r.unitPrice },
    { name: 'total', type: 'int', value: (r) => r.total },
  ]),
  tableSpec('payments', 'payments', [
    { name: 'id', type: 'uuid', value: (r) => r.id },
    { name: 'order_id', type: 'uuid', value: (r) => r.orderId },
    { name: 'amount', type: 'int', value: (r) => r.amount },
    { name: 'method', type: 'text', value: (r) => r.method },
    { name: 'received_at', type: 'time', value: (r) => r.receivedAt },
  ], { created_at: 'received_at' }),
  tableSpec('refunds', 'refunds', [
    { name: 'id', type: 'uuid', value: (r) => r.id },
    { name: 'order_id', type: 'uuid', value: (r) => r.orderId },
    { name: 'amount', type: 'int', value: (r) => r.amount },
    { name: 'reason', type: 'text', value: (r) => r.reason },
    { name: 'refunded_at', type: 'time', value: (r) => r.refundedAt },
  ], { created_at: 'refunded_at' }),
];

const ARRAY_TYPE: Record<SqlType, string> = { uuid: 'uuid[]', text: 'text[]', int: 'int4[]', time: 'int8[]' };

function insertStatement(spec: TableSpec, target: string): string {
  // Each column travels as one array parameter and unnest() zips them back into rows: one
  // statement per few thousand rows, no per-row round trip, no SQL text that grows with the data.
  // Times travel as Unix milliseconds and become timestamps with exact integer arithmetic.
  const expression = (column: Column<unknown>) =>
    column.type === 'time'
      ? `timestamptz 'epoch' + u.${column.name} * interval '1 millisecond'`
      : column.cast
        ? `u.${column.name}::${column.cast}`
        : `u.${column.name}`;
  const names = ['tenant_id', ...spec.columns.map((c) => c.name), ...Object.keys(spec.copies)];
  const values = [
    '($1::uuid[])[u.tenant]',
    ...spec.columns.map(expression),
    ...Object.values(spec.copies).map((source) => expression(spec.columns.find((c) => c.name === source)!)),
  ];
  const params = spec.columns.map((c, i) => `$${i + 3}::${ARRAY_TYPE[c.type]}`);
  return (
    `INSERT INTO ${target} (${names.join(', ')})\n` +
    `SELECT ${values.join(', ')}\n` +
    `  FROM unnest($2::int4[], ${params.join(', ')}) AS u(tenant, ${spec.columns.map((c) => c.name).join(', ')})`
  );
}

/**
 * Writes the rows of one or more tenants, table by table in foreign-key order, `tenant_id` spelled
 * out on every row: the client must be the ops role (BYPASSRLS). The caller owns the transaction.
 */
export async function writeCommerce(
  client: pg.ClientBase,
  tenants: readonly TenantCommerce[],
  targets: CommerceTargets = LIVE_TABLES,
  rowsPerStatement = 20_000,
): Promise<void> {
  const tenantIds = tenants.map((t) => t.tenantId);
  for (const spec of TABLES) {
    const text = insertStatement(spec, targets[spec.table]);
    let tenantColumn: number[] = [];
    let columns: (string | number | null)[][] = spec.columns.map(() => []);
    const flush = async () => {
      if (tenantColumn.length === 0) return;
      await client.query(text, [tenantIds, tenantColumn, ...columns]);
      tenantColumn = [];
      columns = spec.columns.map(() => []);
    };
    for (let t = 0; t < tenants.length; t++) {
      for (const row of spec.rows(tenants[t]!.data)) {
        tenantColumn.push(t + 1);
        for (let c = 0; c < spec.columns.length; c++) columns[c]!.push(spec.columns[c]!.value(row));
        if (tenantColumn.length >= rowsPerStatement) await flush();
      }
    }
    await flush();
  }
}

// ─── Word lists ────────────────────────────────────────────────────────────────────────────────

const FIRST_NAMES = [
  'Ada', 'Amara', 'Anders', 'Aiko', 'Beatriz', 'Bruno', 'Camille', 'Carlos', 'Chiara', 'Dmitri', 'Elena', 'Emeka',
  'Farah', 'Felix', 'Greta', 'Hana', 'Hugo', 'Ines', 'Isaac', 'Jonas', 'Julia', 'Kai', 'Keiko', 'Lars', 'Leila',
  'Lucas', 'Maya', 'Mateo', 'Mei', 'Nadia', 'Nikolai', 'Noor', 'Olivia', 'Omar', 'Paula', 'Priya', 'Quentin',
  'Rafael', 'Rosa', 'Sanjay', 'Sofia', 'Stefan', 'Tariq', 'Tessa', 'Tomasz', 'Uma', 'Valentina', 'Victor',
  'Wanjiru', 'William', 'Xavier', 'Yara', 'Yusuf', 'Zoe', 'Grace', 'Daniel', 'Hannah', 'Liam', 'Clara', 'Ethan',
];
const LAST_NAMES = [
  'Abbott', 'Adeyemi', 'Alvarez', 'Bauer', 'Bergstrom', 'Brennan', 'Castillo', 'Chen', 'Costa', 'Dubois', 'Eriksen',
  'Fischer', 'Fontaine', 'Garcia', 'Gupta', 'Hansen', 'Hoffmann', 'Ibrahim', 'Ivanova', 'Jansen', 'Kaur', 'Kowalski',
  'Larsen', 'Lindqvist', 'Mbeki', 'Moreau', 'Morgan', 'Nakamura', 'Novak', 'Okafor', 'Olsen', 'Patel', 'Petrov',
  'Quinn', 'Rossi', 'Santos', 'Schneider', 'Silva', 'Sorensen', 'Tanaka', 'Thompson', 'Varga', 'Vogel', 'Wagner',
  'Walsh', 'Weber', 'Yamamoto', 'Zhang', 'Zimmermann', 'Haddad', 'Murphy', 'Kim', 'Nguyen', 'Reyes', 'Singh',
];
const COMPANY_WORDS = [
  'Northwind', 'Bluebird', 'Cedar', 'Harbor', 'Summit', 'Ironwood', 'Lumen', 'Meridian', 'Oakline', 'Pioneer',
  'Quarry', 'Redfern', 'Silverline', 'Tidewater', 'Union', 'Vantage', 'Westbrook', 'Brightwater', 'Copperleaf',
  'Fairview', 'Granite', 'Highland', 'Juniper', 'Kestrel', 'Larkspur', 'Maplewood', 'Riverside', 'Stonegate',
];
const COMPANY_KINDS = [
  'Traders', 'Logistics', 'Studio', 'Labs', 'Outfitters', 'Consulting', 'Design', 'Hospitality', 'Architects',
  'Dental', 'Foods', 'Print Works', 'Analytics', 'Builders', 'Media', 'Clinic', 'Coffee Roasters', 'Engineering',
];
const COMPANY_SUFFIXES = ['', '', '', ' Ltd', ' Inc.', ' GmbH', ' & Co.', ' LLC', ' Group'];
const CUSTOMER_NOTES = [
  'Prefers invoices by email',
  'Net 30 terms agreed',
  'Key account: quarterly business review',
  'Ships to a warehouse dock; call ahead',
  'Met at the spring trade fair',
  'Tax-exempt certificate on file',
  'Referred by an existing customer',
  'Asks for consolidated monthly invoices',
  'Send tracking numbers to purchasing',
  'Prefers bank transfer',
];
const ORDER_NOTES = ['Deliver to loading dock B', 'Gift wrap, please', 'Leave with reception', 'Combine with the previous shipment', 'Rush: needed by Friday'];
const PAYMENT_METHODS = ['card', 'bank_transfer', 'manual'] as const;
const FULL_REFUND_REASONS = ['Order cancelled after payment', 'Duplicate order', 'Items not as described', 'Damaged in transit'];
const GOODWILL_REASONS = ['Goodwill credit', 'Late delivery credit', 'Price adjustment', 'Missing accessory credit'];

interface ProductLine {
  code: string;
  noun: string;
  range: string;
  /** Typical shelf price in minor units. */
  price: number;
  finishes: readonly string[];
  blurb: string;
}
const WOODS = ['Walnut', 'Oak', 'Ash', 'Maple', 'Bamboo'];
const METALS = ['Brass', 'Copper', 'Matte Black', 'Brushed Steel', 'White'];
const TEXTILES = ['Linen', 'Canvas', 'Wool', 'Recycled', 'Charcoal'];
const TECH = ['Pro', 'Compact', 'Wireless', 'Studio', 'Travel'];
const CATALOGUE: readonly ProductLine[] = [
  { code: 'OFF', noun: 'Desk Organizer', range: 'Office', price: 3_500, finishes: WOODS, blurb: 'Keeps pens, cards and cables in their place.' },
  { code: 'OFF', noun: 'Letter Tray', range: 'Office', price: 2_400, finishes: [...WOODS, ...METALS], blurb: 'Stackable, two levels.' },
  { code: 'OFF', noun: 'Notebook Set', range: 'Office', price: 1_800, finishes: TEXTILES, blurb: 'Three dotted A5 notebooks, lay-flat binding.' },
  { code: 'OFF', noun: 'Fountain Pen', range: 'Office', price: 6_500, finishes: METALS, blurb: 'Medium steel nib, converter included.' },
  { code: 'OFF', noun: 'Desk Lamp', range: 'Office', price: 8_900, finishes: METALS, blurb: 'Dimmable LED, warm to daylight.' },
  { code: 'OFF', noun: 'Monitor Stand', range: 'Office', price: 7_900, finishes: [...WOODS, ...METALS], blurb: 'Raises the screen to eye level.' },
  { code: 'FUR', noun: 'Standing Desk', range: 'Furniture', price: 59_000, finishes: WOODS, blurb: 'Electric, two motors, memory presets.' },
  { code: 'FUR', noun: 'Task Chair', range: 'Furniture', price: 34_900, finishes: TEXTILES, blurb: 'Adjustable lumbar support.' },
  { code: 'FUR', noun: 'Bookshelf', range: 'Furniture', price: 24_900, finishes: WOODS, blurb: 'Five shelves, wall anchor included.' },
  { code: 'FUR', noun: 'Filing Cabinet', range: 'Furniture', price: 19_900, finishes: METALS, blurb: 'Three lockable drawers.' },
  { code: 'KIT', noun: 'Coffee Grinder', range: 'Kitchen', price: 12_900, finishes: METALS, blurb: 'Conical burrs, 40 grind settings.' },
  { code: 'KIT', noun: 'Pour-Over Kettle', range: 'Kitchen', price: 6_900, finishes: METALS, blurb: 'Gooseneck spout, 1 litre.' },
  { code: 'KIT', noun: 'Cutting Board', range: 'Kitchen', price: 4_500, finishes: WOODS, blurb: 'End grain, juice groove.' },
  { code: 'KIT', noun: 'Espresso Cups (Set of 4)', range: 'Kitchen', price: 3_200, finishes: ['Stoneware', 'Porcelain', 'Speckled', 'Glazed'], blurb: 'Dishwasher safe.' },
  { code: 'TEC', noun: 'USB-C Hub', range: 'Tech', price: 5_900, finishes: TECH, blurb: 'HDMI 4K, three USB ports, card reader.' },
  { code: 'TEC', noun: 'Mechanical Keyboard', range: 'Tech', price: 14_900, finishes: TECH, blurb: 'Hot-swappable switches.' },
  { code: 'TEC', noun: 'Wireless Mouse', range: 'Tech', price: 4_900, finishes: TECH, blurb: 'Silent clicks, USB-C charging.' },
  { code: 'TEC', noun: 'Headphones', range: 'Tech', price: 22_900, finishes: TECH, blurb: 'Active noise cancelling, 30-hour battery.' },
  { code: 'TEC', noun: 'Webcam', range: 'Tech', price: 8_900, finishes: TECH, blurb: '1080p, privacy shutter.' },
  { code: 'TEC', noun: 'Laptop Sleeve', range: 'Tech', price: 3_900, finishes: TEXTILES, blurb: 'Fits 13–14 inch laptops.' },
  { code: 'OUT', noun: 'Daypack', range: 'Outdoor', price: 9_900, finishes: TEXTILES, blurb: '22 litres, laptop compartment.' },
  { code: 'OUT', noun: 'Water Bottle', range: 'Outdoor', price: 2_900, finishes: METALS, blurb: 'Insulated, 750 ml.' },
  { code: 'OUT', noun: 'Camping Mug', range: 'Outdoor', price: 1_900, finishes: METALS, blurb: 'Enamel, 350 ml.' },
  { code: 'OUT', noun: 'Rain Shell', range: 'Outdoor', price: 15_900, finishes: TEXTILES, blurb: 'Waterproof, packs into its pocket.' },
];
