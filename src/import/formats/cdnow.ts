/**
 * The CDNOW transaction log (Fader & Hardie's sample): whitespace-separated columns, no header,
 * no names or emails, no order ids. Read line by line from the same validated byte stream as
 * the CSVs, with the same error conventions.
 *
 * Order ids are derived from the file itself — customer, day, and the row's rank among that
 * customer's rows of that day — so re-importing the file yields the same ids. The published log
 * is sorted by customer; requiring that keeps the rank counter per customer, in constant memory.
 */
import { parseCompactDate, toUtcIso } from '../../domain/time';
import { MAX_FIELD_CHARS } from '../csvSource';
import { FileReader } from '../utf8File';
import type { OrderRecord } from '../records';
import { amountMinor, fail, Place } from './fields';
import type { FormatOptions } from './fields';

export const CDNOW_LINE = 'master id, customer id, date YYYYMMDD, number of CDs, dollars, e.g. " 00004 0001 19970101  2   29.33"';
const DIGITS = /^\d+$/;

/** `0001` → `1`: the ids every CDNOW summary file uses. */
const withoutLeadingZeros = (id: string): string => id.replace(/^0+(?=\d)/, '');

/** Numeric order of digit strings of any length, without converting them. */
const compareIds = (a: string, b: string): number => a.length - b.length || (a < b ? -1 : a > b ? 1 : 0);

export class CdnowSource extends FileReader {
  private customer = '';
  /** The current customer's rows so far per day, for the rank in the derived order id. */
  private sameDay = new Map<string, number>();

  constructor(file: string, private readonly options: FormatOptions) {
    super(file);
  }

  async *batches(): AsyncGenerator<OrderRecord[]> {
    let rest = '';
    let line = 0;
    const place: Place = { file: this.file, line: 1 };
    for await (const chunk of this.text.chunks()) {
      const lines = (rest + chunk.toString('utf8')).split('\n');
      rest = lines.pop() as string;
      if (rest.length > MAX_FIELD_CHARS) fail({ file: this.file, line: line + lines.length + 1 }, '', `is longer than ${MAX_FIELD_CHARS} characters; expected ${CDNOW_LINE}`);
      const orders: OrderRecord[] = [];
      for (const text of lines) {
        place.line = ++line;
        const order = this.order(text, place);
        if (order !== undefined) orders.push(order);
      }
      yield orders;
    }
    place.line = ++line;
    const last = this.order(rest, place);
    if (last !== undefined) yield [last];
    if (this.rows === 0) fail({ file: this.file, line: 1 }, '', `has no transactions; expected lines of ${CDNOW_LINE}`);
  }

  private order(raw: string, place: Place): OrderRecord | undefined {
    // trim() also drops CR line ends and a BOM.
    const trimmed = raw.trim();
    if (trimmed === '') return undefined;
    const columns = trimmed.split(/\s+/);
    if (columns.length !== 5) fail(place, '', `has ${columns.length} columns; expected 5: ${CDNOW_LINE}`);
    const [master, rawId, date, cds, dollars] = columns;
    if (!DIGITS.test(master)) fail(place, 'master id', `"${master}" is not a number`);
    if (!DIGITS.test(rawId)) fail(place, 'customer id', `"${rawId}" is not a number like 0001`);
    if (!DIGITS.test(cds)) fail(place, 'CDs', `"${cds}" is not a whole number of CDs`);
    const at = parseCompactDate(date, this.options.zone);
    if (typeof at !== 'number') return fail(place, 'date', at.problem);
    const amount = amountMinor(dollars, 'USD', place, 'dollars');
    const id = withoutLeadingZeros(rawId);
    this.rows++;
    return {
      orderId: `cdnow-${id}-${date}-${this.rank(id, date, place)}`,
      customer: { externalId: id, email: `cdnow-${id}@example.com`, firstName: undefined, lastName: undefined, consent: undefined },
      orderedAt: toUtcIso(at),
      orderedDay: this.options.zone.day(at),
      currency: 'USD',
      amountMinor: amount,
      refundedMinor: 0,
      status: 'kept',
      discountCode: undefined,
      items: [],
      line: place.line as number,
    };
  }

  /** 1 for a customer's first row of a day, 2 for the second, ... in file order. */
  private rank(id: string, date: string, place: Place): number {
    if (id !== this.customer) {
      if (this.customer !== '' && compareIds(id, this.customer) < 0) {
        fail(place, 'customer id', `${id} comes after ${this.customer}; the log must stay sorted by customer id, as published, so that order ids stay stable`);
      }
      this.customer = id;
      this.sameDay = new Map();
    }
    const rank = (this.sameDay.get(date) ?? 0) + 1;
    this.sameDay.set(date, rank);
    return rank;
  }
}
