/**
 * Finding one customer the way support staff name them, and the facts of their history the
 * offer advisor speaks of: name, first and last order, how many orders, favourite products.
 */
import type { Database } from '../db/database';
import type { CustomerFacts } from '../domain/explain';
import { InputError, NotFoundError } from '../domain/errors';
import { favouriteProducts } from '../domain/favourites';
import { COUNTED_ORDER } from './purchaseLog';

export interface CustomerRow {
  id: number;
  external_id: string | null;
  email: string | null;
  first_name: string | null;
  last_name: string | null;
}

const COLUMNS = 'id, external_id, email, first_name, last_name';
const PREFIXED = /^(id|external|email):(.+)$/;

/**
 * `CUSTOMER` is an email (it has an @), the shop's own customer id, or our numeric id. Shop ids
 * are often numbers too, so when a number is both one customer's shop id and another's id the
 * answer would be a guess: it is refused, and `id:17` or `external:17` says which.
 */
export async function findCustomer(db: Database, key: string): Promise<CustomerRow> {
  const text = key.trim();
  if (text === '') throw new InputError('name a customer: an email, the shop\'s customer id, or id:NUMBER', { field: 'customer' });
  const prefixed = PREFIXED.exec(text);
  const kind = prefixed?.[1] ?? (text.includes('@') ? 'email' : undefined);
  const value = prefixed?.[2].trim() ?? text;
  if (kind === 'email') return oneByEmail(await select(db, 'email', value.toLowerCase()), value);
  if (kind === 'external') return one(await select(db, 'external_id', value), `no customer has the shop customer id ${value}`);
  if (kind === 'id') return one(await byId(db, value), `there is no customer with id ${value}`);
  const [external] = await select(db, 'external_id', value);
  const [internal] = await byId(db, value);
  if (external && internal && external.id !== internal.id) {
    throw new InputError(
      `"${value}" is the shop customer id of customer ${external.id} and the id of another customer; write external:${value} or id:${value}`,
      { field: 'customer' },
    );
  }
  return one([external ?? internal].filter(Boolean), `no customer has the email, shop customer id or id "${value}"`);
}

function select(db: Database, column: 'email' | 'external_id', value: string): Promise<CustomerRow[]> {
  return db.reader.query(`SELECT ${COLUMNS} FROM customers WHERE ${column} = ${db.dialect.param(0)} ORDER BY id LIMIT 5`, [value]);
}

/** Customers with their own shop ids may share an email; picking one would be a guess. */
function oneByEmail(rows: CustomerRow[], email: string): CustomerRow {
  if (rows.length > 1) {
    const ids = rows.map((row) => `id:${row.id}`).join(', ');
    throw new InputError(`several customers have the email ${email}; name one of them: ${ids}`, { field: 'customer' });
  }
  return one(rows, `no customer has the email ${email}`);
}

async function byId(db: Database, value: string): Promise<CustomerRow[]> {
  if (!/^\d{1,9}$/.test(value)) return [];
  return db.reader.query(`SELECT ${COLUMNS} FROM customers WHERE id = ${db.dialect.param(0)}`, [Number(value)]);
}

function one(rows: CustomerRow[], missing: string): CustomerRow {
  if (rows.length === 0) throw new NotFoundError(`${missing}; look customers up by email, the shop's customer id, or id:NUMBER from \`rekindle score\``);
  return { ...rows[0], id: Number(rows[0].id) };
}

/** The customer's counted orders (any currency) up to `asOf`, as the advisor tells them. */
export async function customerFacts(db: Database, customer: CustomerRow, asOf: string): Promise<CustomerFacts> {
  const p = (i: number) => db.dialect.param(i);
  const orders: { ordered_day: string; items: string }[] = await db.reader.query(
    `SELECT ordered_day, items FROM orders WHERE customer_id = ${p(0)} AND ordered_day <= ${p(1)} AND ${COUNTED_ORDER} ORDER BY ordered_day, order_id`,
    [customer.id, asOf],
  );
  const name = [customer.first_name, customer.last_name].filter((part) => part && part.trim()).join(' ');
  const facts: CustomerFacts = { id: String(customer.id), orders: orders.length };
  if (name) facts.name = name;
  if (orders.length > 0) {
    facts.firstOrderDay = orders[0].ordered_day;
    facts.lastOrderDay = orders[orders.length - 1].ordered_day;
  }
  const favourites = favouriteProducts(orders.map((order) => order.items));
  if (favourites.length > 0) facts.favouriteProducts = favourites;
  return facts;
}
