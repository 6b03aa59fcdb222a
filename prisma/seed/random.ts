// A small seeded pseudo-random generator for the seed data. Math.random() cannot be seeded, and
// the point of generated test data is that a failing check can be replayed: the same seed gives the
// same customers, orders and figures on every machine and every run.
//
// sfc32 (Chris Doty-Humphrey's "small fast chaotic" generator): 128 bits of state, passes
// PractRand, a few nanoseconds per draw. Not for anything secret.

export class Random {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: number | string, ...more: (number | string)[]) {
    const h = hashParts([seed, ...more]);
    this.a = h[0]!;
    this.b = h[1]!;
    this.c = h[2]!;
    this.d = 1;
    // The first outputs of sfc32 still echo the seed; the reference implementation discards them.
    for (let i = 0; i < 15; i++) this.uint32();
  }

  /** Uniform integer in [0, 2^32). */
  uint32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    return this.uint32() / 4294967296;
  }

  /** Uniform integer in [min, max], both included. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  /** Uniform in [min, max). */
  between(min: number, max: number): number {
    return min + this.next() * (max - min);
  }

  chance(probability: number): boolean {
    return this.next() < probability;
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error('Random.pick: nothing to pick from');
    return items[Math.floor(this.next() * items.length)]!;
  }

  /** An index drawn with the given relative weights. */
  weighted(weights: readonly number[]): number {
    let total = 0;
    for (const w of weights) total += w;
    let r = this.next() * total;
    for (let i = 0; i < weights.length; i++) {
      r -= weights[i]!;
      if (r < 0) return i;
    }
    return weights.length - 1;
  }

  /** The first index whose cumulative weight exceeds a uniform draw below `cumulative[upTo - 1]`. */
  fromCumulative(cumulative: readonly number[], upTo = cumulative.length): number {
    const r = this.next() * cumulative[upTo - 1]!;
    let lo = 0;
    let hi = upTo - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (cumulative[mid]! > r) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }

  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = Math.floor(this.next() * (i + 1));
      [items[i], items[j]] = [items[j]!, items[i]!];
    }
    return items;
  }
}

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));
const hex8 = (n: number) => HEX[(n >>> 24) & 255]! + HEX[(n >>> 16) & 255]! + HEX[(n >>> 8) & 255]! + HEX[n & 255]!;
const hex4 = (n: number) => HEX[(n >>> 8) & 255]! + HEX[n & 255]!;

/**
 * A UUIDv7 for a row that happened at `ms`: the same layout bulkhead.uuid_v7() writes (48 bits of
 * Unix milliseconds, version 7, variant 10, 74 random bits), so generated rows sort by time in the
 * primary-key index like rows the app creates, and ids stay unguessable across tenants.
 */
export function uuidV7(random: Random, ms: number): string {
  const high = Math.floor(ms / 0x10000);
  const low = ms % 0x10000;
  const a = random.uint32();
  const b = random.uint32();
  const c = random.uint32();
  return (
    `${hex8(high)}-${hex4(low)}-${hex4(0x7000 | (a & 0x0fff))}-${hex4(0x8000 | ((a >>> 12) & 0x3fff))}-` + `${hex8(b)}${hex4(c & 0xffff)}`
  );
}

/** 96 bits of well-mixed state from any list of numbers and strings (cyrb128-style). */
function hashParts(parts: readonly (number | string)[]): [number, number, number] {
  let h1 = 1779033703;
  let h2 = 3144134277;
  let h3 = 1013904242;
  let h4 = 2773480762;
  const text = parts.map((p) => `${typeof p}:${p}`).join('\u0000');
  for (let i = 0; i < text.length; i++) {
    const k = text.charCodeAt(i);
    h1 = h2 ^ Math.imul(h1 ^ k, 597399067);
    h2 = h3 ^ Math.imul(h2 ^ k, 2869860233);
    h3 = h4 ^ Math.imul(h3 ^ k, 951274213);
    h4 = h1 ^ Math.imul(h4 ^ k, 2716044179);
  }
  h1 = Math.imul(h3 ^ (h1 >>> 18), 597399067);
  h2 = Math.imul(h4 ^ (h2 >>> 22), 2869860233);
  h3 = Math.imul(h1 ^ (h3 >>> 17), 951274213);
  h4 = Math.imul(h2 ^ (h4 >>> 19), 2716044179);
  return [(h1 ^ h2 ^ h3 ^ h4) >>> 0, (h2 ^ h1) >>> 0, (h3 ^ h1) >>> 0];
}
