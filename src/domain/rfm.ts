/**
 * The customer summary (RFM) the models are fitted on, built from purchase days.
 *
 * Columnar on purpose: at a million customers an object per customer costs more memory and time
 * than the statistics themselves. The caller (the DB adapter) streams each customer's kept
 * orders as (calendar day in the shop time zone, net amount) rows; this module decides what a
 * purchase is:
 *   - one purchase per distinct day, same-day amounts summed (the published CDNOW analyses do
 *     the same, and a second parcel on the same day is not a second decision to buy);
 *   - the amount does not decide whether a day is a purchase: CDNOW has $0 purchases and the
 *     published estimates count them. Amounts only feed m_x. A caller that wants fully refunded
 *     orders not to count leaves them out, as it does cancelled ones;
 *   - only days on or before the calibration end count; customers with no purchase by then are
 *     left out of the summary.
 */
export type TimeUnit = 'week' | 'day';

export const DAYS_PER_UNIT: Readonly<Record<TimeUnit, number>> = { week: 7, day: 1 };

const MS_PER_DAY = 86_400_000;
const ISO_DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Days since 1970-01-01 for a calendar day `YYYY-MM-DD`; the time zone was applied upstream. */
export function dayNumber(isoDay: string): number {
  const match = ISO_DAY.exec(isoDay);
  if (match) {
    const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
    const ms = Date.UTC(year, month - 1, day);
    if (new Date(ms).getUTCDate() === day && month >= 1 && month <= 12) return ms / MS_PER_DAY;
  }
  throw new RangeError(`"${isoDay}" is not a calendar day like 2025-10-07`);
}

export function isoDay(day: number): string {
  return new Date(day * MS_PER_DAY).toISOString().slice(0, 10);
}

/** Every customer's purchase rows; customer i owns rows start[i] .. start[i+1]-1, any day order. */
export interface PurchaseLog {
  readonly customers: number;
  readonly start: Int32Array;
  /** Day number (see dayNumber) of each row. */
  readonly day: Int32Array;
  /** Net amount of each row: order total less refunds, cancelled orders already left out. */
  readonly amount: Float64Array;
}

/** Appends rows customer by customer into growing typed arrays. */
export class PurchaseLogBuilder {
  private starts: number[] = [];
  private days: Int32Array;
  private amounts: Float64Array;
  private rows = 0;

  constructor(expectedRows = 1024) {
    this.days = new Int32Array(Math.max(16, expectedRows));
    this.amounts = new Float64Array(this.days.length);
  }

  /** Starts the next customer and returns its index in the log. */
  addCustomer(): number {
    this.starts.push(this.rows);
    return this.starts.length - 1;
  }

  /** Adds a row to the customer started last. */
  addPurchase(day: string | number, amount: number): void {
    if (this.starts.length === 0) throw new RangeError('addCustomer() before addPurchase()');
    if (!Number.isFinite(amount)) throw new RangeError(`amount ${amount} is not a finite number`);
    if (this.rows === this.days.length) this.grow();
    this.days[this.rows] = typeof day === 'number' ? day : dayNumber(day);
    this.amounts[this.rows] = amount;
    this.rows++;
  }

  build(): PurchaseLog {
    const start = Int32Array.from([...this.starts, this.rows]);
    return {
      customers: this.starts.length,
      start,
      day: this.days.slice(0, this.rows),
      amount: this.amounts.slice(0, this.rows),
    };
  }

  private grow(): void {
    const days = new Int32Array(this.days.length * 2);
    days.set(this.days);
    const amounts = new Float64Array(days.length);
    amounts.set(this.amounts);
    [this.days, this.amounts] = [days, amounts];
  }
}

export interface SummaryOptions {
  /** Last calendar day of the calibration window, inclusive, `YYYY-MM-DD`. */
  calibrationEnd: string;
  unit?: TimeUnit;
}

/** One entry per summarized customer, all columns the same length. */
export interface CustomerSummary {
  readonly unit: TimeUnit;
  readonly calibrationEnd: string;
  readonly length: number;
  /** Index of the customer in the purchase log. */
  readonly customer: Int32Array;
  /** Day number of the first purchase. */
  readonly firstDay: Int32Array;
  /** Repeat purchases: purchase days after the first. */
  readonly x: Float64Array;
  /** Time from the first to the last purchase (0 when x = 0). */
  readonly tx: Float64Array;
  /** Time from the first purchase to the calibration end. */
  readonly T: Float64Array;
  /** Mean value of the repeat purchase days; 0 when x = 0. */
  readonly monetary: Float64Array;
}

export function summarize(log: PurchaseLog, options: SummaryOptions): CustomerSummary {
  const unit = options.unit ?? 'week';
  const perUnit = DAYS_PER_UNIT[unit];
  const end = dayNumber(options.calibrationEnd);
  const n = log.customers;
  const [customer, firstDay] = [new Int32Array(n), new Int32Array(n)];
  const [x, tx, T, monetary] = [0, 0, 0, 0].map(() => new Float64Array(n));
  const days = new PurchaseDays();
  let length = 0;
  for (let c = 0; c < n; c++) {
    days.load(log, c, -Infinity, end);
    if (days.count === 0) continue;
    const first = days.day[0];
    const repeats = days.count - 1;
    customer[length] = c;
    firstDay[length] = first;
    x[length] = repeats;
    tx[length] = (days.day[repeats] - first) / perUnit;
    T[length] = (end - first) / perUnit;
    monetary[length] = repeats > 0 ? (days.total - days.amount[0]) / repeats : 0;
    length++;
  }
  return {
    unit,
    calibrationEnd: options.calibrationEnd,
    length,
    customer: customer.slice(0, length),
    firstDay: firstDay.slice(0, length),
    x: x.slice(0, length),
    tx: tx.slice(0, length),
    T: T.slice(0, length),
    monetary: monetary.slice(0, length),
  };
}

export interface HoldoutCounts {
  /** Length of the holdout window in the summary's unit. */
  readonly duration: number;
  /** Per summarized customer: purchase days after the calibration end up to the holdout end. */
  readonly purchases: Float64Array;
  /** Per summarized customer: net amount spent on those days. */
  readonly amount: Float64Array;
}

/** What each summarized customer actually did after the calibration end, for validation. */
export function holdoutPurchases(log: PurchaseLog, summary: CustomerSummary, holdoutEnd: string): HoldoutCounts {
  const from = dayNumber(summary.calibrationEnd);
  const to = dayNumber(holdoutEnd);
  if (to <= from) throw new RangeError(`holdout end ${holdoutEnd} is not after ${summary.calibrationEnd}`);
  const purchases = new Float64Array(summary.length);
  const amount = new Float64Array(summary.length);
  const days = new PurchaseDays();
  for (let i = 0; i < summary.length; i++) {
    days.load(log, summary.customer[i], from, to);
    purchases[i] = days.count;
    amount[i] = days.total;
  }
  return { duration: (to - from) / DAYS_PER_UNIT[summary.unit], purchases, amount };
}

/** Scratch buffers holding one customer's purchase days in a window, sorted and merged. */
class PurchaseDays {
  day = new Int32Array(64);
  amount = new Float64Array(64);
  count = 0;
  total = 0;

  /** Loads the purchase days d with after < d <= through. */
  load(log: PurchaseLog, customer: number, after: number, through: number): void {
    const [from, to] = [log.start[customer], log.start[customer + 1]];
    if (to - from > this.day.length) this.reserve(to - from);
    let rows = 0;
    for (let row = from; row < to; row++) {
      const d = log.day[row];
      if (d > after && d <= through) this.insert(rows++, d, log.amount[row]);
    }
    this.mergeDays(rows);
  }

  /** Insertion sort: a customer's rows are few and usually already in day order. */
  private insert(at: number, d: number, amount: number): void {
    let i = at;
    while (i > 0 && this.day[i - 1] > d) {
      this.day[i] = this.day[i - 1];
      this.amount[i] = this.amount[i - 1];
      i--;
    }
    this.day[i] = d;
    this.amount[i] = amount;
  }

  private mergeDays(rows: number): void {
    let count = 0;
    let total = 0;
    for (let i = 0; i < rows; ) {
      const d = this.day[i];
      let sum = 0;
      for (; i < rows && this.day[i] === d; i++) sum += this.amount[i];
      this.day[count] = d;
      this.amount[count] = sum;
      total += sum;
      count++;
    }
    this.count = count;
    this.total = total;
  }

  private reserve(rows: number): void {
    this.day = new Int32Array(rows);
    this.amount = new Float64Array(rows);
  }
}
