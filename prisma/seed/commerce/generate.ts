import { Random, uuidV7 } from '../random';
import type { CommerceData, CommerceOptions, CommerceTenant, CustomerRow, OrderRow, ProductRow } from './types';
import {
  CATALOGUE,
  COMPANY_KINDS,
  COMPANY_SUFFIXES,
  COMPANY_WORDS,
  CUSTOMER_NOTES,
  FIRST_NAMES,
  FULL_REFUND_REASONS,
  GOODWILL_REASONS,
  LAST_NAMES,
  ORDER_NOTES,
  PAYMENT_METHODS,
} from './vocabulary';

// The generator: one tenant's commerce history — customers, a product catalogue, orders with line
// items, payments and refunds — as plain rows, from a seed. Pure: no database, no clock unless
// `options.now` is left out. expected.ts computes the report figures from these rows.
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
  if (!Number.isInteger(options.orders) || options.orders < 0)
    throw new Error(`seedCommerce: orders must be a whole number, got ${options.orders}`);
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
export class TenantCalendar {
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

export const monthKey = (year: number, month: number) => `${year}-${String(month).padStart(2, '0')}`;
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
    const company = random.chance(0.65)
      ? `${random.pick(COMPANY_WORDS)} ${random.pick(COMPANY_KINDS)}${random.pick(COMPANY_SUFFIXES)}`
      : null;
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
    settle(
      random,
      ids,
      order,
      quantities,
      lines.map((l) => products[l]!),
      options.signature,
      now,
      data,
    );
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
    lines === 1
      ? [1, 8, 15][random.weighted([75, 20, 5])]!
      : lines === 5
        ? [8, 15][random.weighted([60, 40])]!
        : [8, 15][random.weighted([85, 15])]!;
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
    method === 'card'
      ? random.between(5 * SECOND, 20 * MINUTE)
      : method === 'bank_transfer'
        ? random.between(1 * DAY, 10 * DAY)
        : random.between(2 * DAY, 30 * DAY);
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
