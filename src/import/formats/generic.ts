/**
 * The generic orders CSV: one row per order, columns named as in GENERIC_ORDERS_HEADER plus the
 * optional ones. It is also the shape of the benchmark file, so this path stays allocation-lean:
 * column positions are looked up once, and each row becomes one record.
 */
import { toUtcIso } from '../../domain/time';
import type { CsvSource, Header } from '../csvSource';
import { recordPerRow } from '../csvSource';
import type { CustomerFields, OrderRecord } from '../records';
import {
  amountMinor, cell, consent, currencyCode, fail, optionalEmail, optionalId, optionalText, orderInstant, orderStatus, personName, plainText,
  Place, refundedMinor, requiredId, splitItems,
} from './fields';
import type { FormatOptions } from './fields';

export const GENERIC_ORDERS_HEADER = 'order_id,customer_id,email,ordered_at,amount,currency';
export const GENERIC_CUSTOMERS_HEADER = 'customer_id,email,first_name,last_name,accepts_marketing';

/** Positions of the columns that say who the customer is; -1 when the file lacks one. */
export interface CustomerColumns {
  customerId: number;
  email: number;
  firstName: number;
  lastName: number;
  consent: number;
}

interface OrderColumns extends CustomerColumns {
  orderId: number;
  orderedAt: number;
  amount: number;
  currency: number;
  refunded: number;
  status: number;
  discountCode: number;
  items: number;
}

export function customerColumns(header: Header): CustomerColumns {
  const columns = {
    customerId: header.find('customer_id'),
    email: header.find('email'),
    firstName: header.find('first_name'),
    lastName: header.find('last_name'),
    consent: header.find('accepts_marketing'),
  };
  if (columns.customerId < 0 && columns.email < 0) header.require('customer_id', 'email');
  return columns;
}

/** `customer_id` identifies the customer when given, else the email; one of them is required. */
export function genericCustomer(fields: string[], c: CustomerColumns, place: Place): CustomerFields {
  const externalId = optionalId(cell(fields, c.customerId), place, 'customer_id');
  const email = optionalEmail(cell(fields, c.email), place, 'email');
  if (externalId === undefined && email === undefined) {
    if (c.customerId >= 0) fail(place, 'customer_id', 'is empty, and so is email; a row needs one of them to say who the customer is');
    fail(place, 'email', 'is empty; without a customer_id column the email says who the customer is');
  }
  return {
    externalId,
    email,
    firstName: personName(cell(fields, c.firstName)),
    lastName: personName(cell(fields, c.lastName)),
    consent: consent(cell(fields, c.consent), place, 'accepts_marketing'),
  };
}

function orderColumns(header: Header, options: FormatOptions): OrderColumns {
  return {
    orderId: header.require('order_id'),
    orderedAt: header.require('ordered_at'),
    amount: header.require('amount'),
    currency: options.defaultCurrency === undefined ? header.require('currency') : header.find('currency'),
    ...customerColumns(header),
    refunded: header.find('refunded_amount'),
    status: header.find('status'),
    discountCode: header.find('discount_code'),
    items: header.find('items'),
  };
}

export function genericOrders(source: CsvSource, options: FormatOptions): AsyncGenerator<OrderRecord[]> {
  return recordPerRow(source, (header) => orderColumns(header, options), (fields, columns, place) => genericOrder(fields, columns, place, options));
}

function genericOrder(f: string[], c: OrderColumns, place: { file: string; line: number }, options: FormatOptions): OrderRecord {
  const orderId = requiredId(f[c.orderId], place, 'order_id');
  const customer = genericCustomer(f, c, place);
  const at = orderInstant(f[c.orderedAt], options.zone, place, 'ordered_at');
  const currency = currencyCode(cell(f, c.currency), place, 'currency', options.defaultCurrency);
  const amount = amountMinor(f[c.amount], currency, place, 'amount');
  return {
    orderId,
    customer,
    orderedAt: toUtcIso(at),
    orderedDay: options.zone.day(at),
    currency,
    amountMinor: amount,
    refundedMinor: refundedMinor(cell(f, c.refunded), amount, currency, place, 'refunded_amount'),
    status: orderStatus(cell(f, c.status)),
    discountCode: plainText(cell(f, c.discountCode)),
    items: splitItems(cell(f, c.items)),
    line: place.line,
  };
}
