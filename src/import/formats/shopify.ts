/**
 * Shopify's orders export (Orders → Export): one row per line item, rows of one order next to
 * each other under the same `Name`. The order's own columns are read from its first row; later
 * rows add line items. Real exports repeat Email and Created at on every row, the sample leaves
 * them blank: either way only the first row counts. Holding one order at a time keeps memory
 * constant; an order whose rows are not adjacent comes out twice and the importer reports it.
 */
import { toUtcIso } from '../../domain/time';
import type { CsvRow, CsvSource } from '../csvSource';
import { Header } from '../csvSource';
import type { OrderRecord } from '../records';
import {
  amountMinor, cell, consent, currencyCode, fail, optionalEmail, optionalId, optionalText, orderInstant, personName, Place, plainText,
  refundedMinor,
} from './fields';
import type { FormatOptions } from './fields';

/** Keeps memory bounded when a broken file repeats one Name on every row. */
const MAX_ITEMS = 10_000;

export const SHOPIFY_ORDERS_HEADER = 'Name,Email,Accepts Marketing,Currency,Total,Discount Code,Created at,Lineitem name,Billing Name,Cancelled at,Refunded Amount,Id';

/** Older exports say Accepts Marketing, newer ones (orders and customers) Accepts Email Marketing. */
export interface ConsentColumn {
  consent: number;
  consentName: string;
}

export function consentColumn(header: Header): ConsentColumn {
  const newer = header.find('Accepts Email Marketing');
  if (newer >= 0) return { consent: newer, consentName: 'Accepts Email Marketing' };
  return { consent: header.find('Accepts Marketing'), consentName: 'Accepts Marketing' };
}

function columns(header: Header) {
  return {
    name: header.require('Name'),
    email: header.require('Email'),
    createdAt: header.require('Created at'),
    total: header.require('Total'),
    currency: header.find('Currency'),
    ...consentColumn(header),
    discountCode: header.find('Discount Code'),
    itemName: header.find('Lineitem name'),
    billingName: header.find('Billing Name'),
    cancelledAt: header.find('Cancelled at'),
    refunded: header.find('Refunded Amount'),
    id: header.find('Id'),
  };
}

type Columns = ReturnType<typeof columns>;

/** `Maria Schmidt` → Maria, Schmidt; `Ludwig van Beethoven` → Ludwig, van Beethoven. */
export function splitName(full: string | undefined): { firstName?: string; lastName?: string } {
  const name = personName(full);
  if (name === undefined) return {};
  const space = name.search(/\s/);
  if (space === -1) return { firstName: name };
  return { firstName: name.slice(0, space), lastName: name.slice(space).trim() };
}

export async function* shopifyOrders(source: CsvSource, options: FormatOptions): AsyncGenerator<OrderRecord[]> {
  let c: Columns | undefined;
  let open: { name: string; order: OrderRecord } | undefined;
  const place: Place = { file: source.file, line: 1 };
  for await (const rows of source.batches()) {
    const orders: OrderRecord[] = [];
    for (const row of rows) {
      if (c === undefined) {
        c = columns(new Header(row.fields, source.file, SHOPIFY_ORDERS_HEADER, row.line));
        continue;
      }
      place.line = row.line;
      const name = plainText(row.fields[c.name]) ?? fail(place, 'Name', 'is empty; every row belongs to an order such as #1001');
      if (open === undefined || open.name !== name) {
        if (open !== undefined) orders.push(open.order);
        open = { name, order: firstRow(row, c, place, options) };
      }
      const item = plainText(cell(row.fields, c.itemName));
      if (item === undefined) continue;
      if (open.order.items.length >= MAX_ITEMS) fail(place, 'Name', `order ${name} has more than ${MAX_ITEMS} line items; are these rows really one order?`);
      open.order.items.push(item);
    }
    yield orders;
  }
  if (open !== undefined) yield [open.order];
}

/** The order as its first row describes it, before the line items of the following rows. */
function firstRow(row: CsvRow, c: Columns, place: Place, options: FormatOptions): OrderRecord {
  const f = row.fields;
  const name = plainText(f[c.name]) as string;
  const email = optionalEmail(f[c.email], place, 'Email');
  if (email === undefined) fail(place, 'Email', `is empty on the first row of order ${name}; the email identifies the customer`);
  const at = orderInstant(f[c.createdAt], options.zone, place, 'Created at');
  const currency = currencyCode(cell(f, c.currency), place, 'Currency', options.defaultCurrency);
  const amount = amountMinor(f[c.total], currency, place, 'Total');
  const refunded = refundedMinor(cell(f, c.refunded), amount, currency, place, 'Refunded Amount');
  const id = optionalId(cell(f, c.id), place, 'Id');
  return {
    orderId: id ?? name,
    customer: {
      externalId: undefined,
      email,
      ...splitName(cell(f, c.billingName)),
      consent: consent(cell(f, c.consent), place, c.consentName),
    },
    orderedAt: toUtcIso(at),
    orderedDay: options.zone.day(at),
    currency,
    amountMinor: amount,
    refundedMinor: refunded,
    status: optionalText(cell(f, c.cancelledAt)) === undefined ? 'kept' : 'cancelled',
    discountCode: plainText(cell(f, c.discountCode)),
    items: [],
    orderName: id === undefined ? undefined : name,
    line: row.line,
  };
}
