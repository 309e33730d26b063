/**
 * The offer ladder: what a campaign may offer a lapsed customer, and what each rung is expected
 * to cost the shop on that customer's next order. Pure: no I/O, money in decimal.js.
 *
 * Rungs are ranked by expected cost, richest first. Face value cannot rank them: a gift or free
 * shipping has no face value we know, only a cost to the shop, and the budget a rung must fit is
 * itself an expected cost. It also weighs a rung by how many customers actually use it.
 *
 * Rates (pRedeem, percent) are configuration, not statistics: they become decimals directly,
 * exactly as written, without the float door of money.ts.
 */
import { InputError } from './errors';
import { Money } from './money';

export type OfferKind = 'percent_off' | 'fixed_credit' | 'free_shipping' | 'gift';

interface RungBase {
  /** Codes and redemptions refer to it, so it must not depend on the rung's place in the ladder. */
  readonly id: string;
  /** Customer-facing words, e.g. "15% off your next order". */
  readonly label: string;
  /** Chance that a customer offered this rung redeems it, 0 < pRedeem ≤ 1. */
  readonly pRedeem: number;
}
/** `percent` is 0 < percent ≤ 100 of the next order, at most `maxDiscount` when given. */
export interface PercentOffRung extends RungBase {
  readonly kind: 'percent_off';
  readonly percent: number;
  readonly maxDiscount?: Money;
}
export interface FixedCreditRung extends RungBase { readonly kind: 'fixed_credit'; readonly amount: Money }
export interface FreeShippingRung extends RungBase { readonly kind: 'free_shipping'; readonly shippingCost: Money }
export interface GiftRung extends RungBase { readonly kind: 'gift'; readonly giftCost: Money }
export type OfferRung = PercentOffRung | FixedCreditRung | FreeShippingRung | GiftRung;
export type OfferLadder = readonly OfferRung[];

/**
 * Used when a rung does not state its own rate. Deliberately on the high side for lapsed
 * customers: a rate guessed too low lets a rich rung "fit" a budget it then overspends. Replace
 * them with the redeemed/sent rates the ROI report measures.
 */
export const DEFAULT_P_REDEEM: Readonly<Record<OfferKind, number>> = {
  percent_off: 0.3,
  fixed_credit: 0.35,
  free_shipping: 0.25,
  gift: 0.2,
};

/** A rung priced for one customer. `position` is its index in the ladder as written. */
export interface CostedRung {
  rung: OfferRung;
  position: number;
  /** What the shop gives up if the customer redeems it on their expected next order. */
  costIfRedeemed: Money;
  /** pRedeem × costIfRedeemed, unrounded: the figure compared with the budget. */
  expectedCost: Money;
}

export function costIfRedeemed(rung: OfferRung, expectedSpend: Money): Money {
  return priceOf(rung).cost(expectedSpend);
}

/** Ties in expected cost go to the higher cost if redeemed, then to the marketer's order. */
export function rankLadder(ladder: OfferLadder, expectedSpend: Money): CostedRung[] {
  const costed = ladder.map((rung, position) => {
    const price = priceOf(rung);
    const cost = price.cost(expectedSpend);
    return { rung, position, costIfRedeemed: cost, expectedCost: price.fixedExpected ?? cost.mul(price.pRedeem) };
  });
  return costed.sort(
    (a, b) =>
      b.expectedCost.comparedTo(a.expectedCost) ||
      b.costIfRedeemed.comparedTo(a.costIfRedeemed) ||
      a.position - b.position,
  );
}

interface Price {
  pRedeem: Money;
  cost(expectedSpend: Money): Money;
  /** Known without the customer for every kind but percent off. */
  fixedExpected?: Money;
}

/**
 * Scoring prices the same few rungs for every customer; converting their rates to decimals
 * once per rung object keeps that to one or two operations each. Rungs are readonly, so a cached
 * price cannot go stale.
 */
const prices = new WeakMap<OfferRung, Price>();

function priceOf(rung: OfferRung): Price {
  let price = prices.get(rung);
  if (price === undefined) {
    price = rung.kind === 'percent_off' ? percentPrice(rung) : fixedPrice(rung);
    prices.set(rung, price);
  }
  return price;
}

function percentPrice(rung: PercentOffRung): Price {
  const fraction = new Money(rung.percent).div(100);
  const max = rung.maxDiscount;
  return {
    pRedeem: new Money(rung.pRedeem),
    cost(expectedSpend) {
      const discount = expectedSpend.mul(fraction);
      return max !== undefined && discount.gt(max) ? max : discount;
    },
  };
}

function fixedPrice(rung: FixedCreditRung | FreeShippingRung | GiftRung): Price {
  // A credit counts in full even above the expected order: the real order may be larger, and a
  // promise must never overrun the budget it was sized by.
  const cost = rung.kind === 'fixed_credit' ? rung.amount : rung.kind === 'free_shipping' ? rung.shippingCost : rung.giftCost;
  const pRedeem = new Money(rung.pRedeem);
  return { pRedeem, cost: () => cost, fixedExpected: cost.mul(pRedeem) };
}

export interface LadderProblem {
  /** Path inside the ladder, e.g. `[2].percent`. */
  field: string;
  problem: string;
}

export type LadderResult = { ok: true; ladder: OfferLadder } | { ok: false; problems: LadderProblem[] };

const KIND_FIELDS: Readonly<Record<OfferKind, readonly string[]>> = {
  percent_off: ['percent', 'maxDiscount'],
  fixed_credit: ['amount'],
  free_shipping: ['shippingCost'],
  gift: ['giftCost'],
};
const COMMON_FIELDS = ['kind', 'id', 'label', 'pRedeem'];
const AMOUNT = /^\d{1,15}(\.\d+)?$/;

/** Checks a ladder as read from a campaign file or request; every problem names its field. */
export function validateOfferLadder(raw: unknown): LadderResult {
  const problems: LadderProblem[] = [];
  if (!Array.isArray(raw)) return { ok: false, problems: [{ field: '', problem: 'must be a list of offers' }] };
  const ladder: OfferRung[] = [];
  const seen = new Set<string>();
  raw.forEach((item, index) => {
    const at = `[${index}]`;
    const rung = readRung(item, at, problems);
    if (rung === undefined) return;
    if (seen.has(rung.id)) problems.push({ field: `${at}.id`, problem: `"${rung.id}" is used by an earlier offer` });
    seen.add(rung.id);
    ladder.push(rung);
  });
  return problems.length === 0 ? { ok: true, ladder } : { ok: false, problems };
}

/** validateOfferLadder for callers that stop at bad input; names the first problem, counts the rest. */
export function parseOfferLadder(raw: unknown, where: { file?: string; field?: string } = {}): OfferLadder {
  const result = validateOfferLadder(raw);
  if (result.ok) return result.ladder;
  const [first, ...rest] = result.problems;
  const more = rest.length > 0 ? ` (and ${rest.length} more problem${rest.length > 1 ? 's' : ''})` : '';
  throw new InputError(first.problem + more, { file: where.file, field: `${where.field ?? 'offers'}${first.field}` });
}

function readRung(item: unknown, at: string, problems: LadderProblem[]): OfferRung | undefined {
  if (typeof item !== 'object' || item === null || Array.isArray(item)) {
    problems.push({ field: at, problem: 'must be an object with a kind' });
    return undefined;
  }
  const obj = item as Record<string, unknown>;
  const kind = obj.kind;
  if (typeof kind !== 'string' || !(kind in KIND_FIELDS)) {
    const kinds = Object.keys(KIND_FIELDS).join(', ');
    problems.push({ field: `${at}.kind`, problem: `${JSON.stringify(kind)} is not one of ${kinds}` });
    return undefined;
  }
  const offerKind = kind as OfferKind;
  const before = problems.length;
  const read = fieldReader(obj, at, problems);
  const allowed = new Set([...COMMON_FIELDS, ...KIND_FIELDS[offerKind]]);
  for (const key of Object.keys(obj)) {
    if (!allowed.has(key)) problems.push({ field: `${at}.${key}`, problem: `is not a field of a ${offerKind} offer` });
  }
  const base = {
    id: read.text('id'),
    label: read.text('label'),
    pRedeem: read.rate('pRedeem', 1) ?? DEFAULT_P_REDEEM[offerKind],
  };
  const rung = withKindFields(offerKind, base as RungBase, read);
  return problems.length === before ? rung : undefined;
}

function withKindFields(kind: OfferKind, base: RungBase, read: FieldReader): OfferRung {
  switch (kind) {
    case 'percent_off': {
      const percent = read.rate('percent', 100, true) ?? 0;
      const maxDiscount = read.amount('maxDiscount', false);
      return maxDiscount === undefined ? { ...base, kind, percent } : { ...base, kind, percent, maxDiscount };
    }
    case 'fixed_credit':
      return { ...base, kind, amount: read.amount('amount', true) ?? new Money(0) };
    case 'free_shipping':
      return { ...base, kind, shippingCost: read.amount('shippingCost', true) ?? new Money(0) };
    case 'gift':
      return { ...base, kind, giftCost: read.amount('giftCost', true) ?? new Money(0) };
  }
}

interface FieldReader {
  text(key: string): string | undefined;
  /** A number in (0, max]; undefined when absent (a problem too when `required`). */
  rate(key: string, max: number, required?: boolean): number | undefined;
  amount(key: string, required: boolean): Money | undefined;
}

function fieldReader(obj: Record<string, unknown>, at: string, problems: LadderProblem[]): FieldReader {
  const fail = (key: string, problem: string): undefined => {
    problems.push({ field: `${at}.${key}`, problem });
    return undefined;
  };
  return {
    text(key) {
      const value = obj[key];
      if (typeof value === 'string' && value.trim() !== '') return value.trim();
      return fail(key, value === undefined ? 'is required' : 'must be non-empty text');
    },
    rate(key, max, required = false) {
      const value = obj[key];
      if (value === undefined) return required ? fail(key, 'is required') : undefined;
      if (typeof value === 'number' && value > 0 && value <= max) return value;
      return fail(key, `${JSON.stringify(value)} must be a number more than 0 and at most ${max}`);
    },
    amount(key, required) {
      const value = obj[key];
      if (value === undefined) return required ? fail(key, 'is required') : undefined;
      const text = typeof value === 'number' && Number.isFinite(value) && value < 1e15 ? String(value) : value;
      if (typeof text === 'string' && AMOUNT.test(text.trim())) return new Money(text.trim());
      return fail(key, `${JSON.stringify(value)} must be an amount of zero or more, like 12.50`);
    },
  };
}
