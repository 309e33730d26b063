/**
 * `rekindle import customers`: who the customers are and what they said about marketing, without
 * orders. Generic columns (GENERIC_CUSTOMERS_HEADER) or Shopify's customers export, where the
 * trimmed, lower-cased email identifies the customer as it does in Shopify's orders export.
 */
import type { CsvSource, Header } from '../csvSource';
import { recordPerRow } from '../csvSource';
import type { CustomerRecord } from '../records';
import { cell, consent, fail, optionalEmail, personName } from './fields';
import { customerColumns, genericCustomer } from './generic';
import { consentColumn } from './shopify';

export const SHOPIFY_CUSTOMERS_HEADER = 'First Name,Last Name,Email,Accepts Email Marketing';

function shopifyColumns(header: Header) {
  return {
    email: header.require('Email'),
    firstName: header.find('First Name'),
    lastName: header.find('Last Name'),
    ...consentColumn(header),
  };
}

type ShopifyColumns = ReturnType<typeof shopifyColumns>;

function shopifyCustomer(f: string[], c: ShopifyColumns, place: { file: string; line: number }): CustomerRecord {
  const email = optionalEmail(f[c.email], place, 'Email') ?? fail(place, 'Email', 'is empty; the email identifies a Shopify customer');
  return {
    externalId: undefined,
    email,
    firstName: personName(cell(f, c.firstName)),
    lastName: personName(cell(f, c.lastName)),
    consent: consent(cell(f, c.consent), place, c.consentName),
    line: place.line,
  };
}

export function genericCustomers(source: CsvSource): AsyncGenerator<CustomerRecord[]> {
  return recordPerRow(source, customerColumns, (f, c, place) => ({ ...genericCustomer(f, c, place), line: place.line }));
}

export function shopifyCustomers(source: CsvSource): AsyncGenerator<CustomerRecord[]> {
  return recordPerRow(source, shopifyColumns, shopifyCustomer);
}
