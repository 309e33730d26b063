/**
 * Who an open incident harmed, as the Harm the budget rule takes: such a customer gets at least
 * the incident's make-good whatever their CLV. Only incidents in the shop currency count, since
 * a make-good is compared with budgets in that currency.
 */
import type { Database } from '../db/database';
import { list } from '../db/sqlDialect';
import { BudgetPolicy, Harm, makeGoodFor } from '../domain/budget';
import { InputError } from '../domain/errors';
import { minorToMoney, Money } from '../domain/money';

interface HarmRow {
  incident_id: number;
  title: string;
  description: string;
  make_good_kind: string;
  make_good_value: string;
  customer_id: number;
  harmed_minor: number | string | null;
}

/** Harms by customer id; a customer harmed by several open incidents gets the largest make-good. */
export async function openHarms(db: Database, policy: BudgetPolicy, customerIds?: readonly number[]): Promise<Map<number, Harm>> {
  const params: unknown[] = [policy.currency];
  let sql = `SELECT i.id AS incident_id, i.title, i.description, i.make_good_kind, i.make_good_value, c.customer_id, c.harmed_minor
       FROM incident_customers c JOIN incidents i ON i.id = c.incident_id
      WHERE i.status = 'open' AND i.currency = ${db.dialect.param(0)}`;
  if (customerIds !== undefined) {
    if (customerIds.length === 0) return new Map();
    sql += ` AND c.customer_id IN (${list(db.dialect, customerIds.length, 1)})`;
    params.push(...customerIds);
  }
  const rows: HarmRow[] = await db.reader.query(`${sql} ORDER BY i.id`, params);
  const harms = new Map<number, { harm: Harm; owed: Money }>();
  for (const row of rows) {
    const harm = toHarm(row, policy.currency);
    const owed = makeGoodFor(harm, policy).owed;
    const customer = Number(row.customer_id);
    const known = harms.get(customer);
    if (known === undefined || owed.gt(known.owed)) harms.set(customer, { harm, owed });
  }
  return new Map([...harms].map(([customer, { harm }]) => [customer, harm]));
}

function toHarm(row: HarmRow, currency: string): Harm {
  const where = { field: `incident ${row.incident_id}` };
  const harmedAmount = row.harmed_minor === null ? undefined : minorToMoney(Number(row.harmed_minor), currency);
  const whatHappened = row.description.trim() || row.title;
  const base = { incidentId: String(row.incident_id), whatHappened, harmedAmount };
  if (!/^\d{1,12}(\.\d+)?$/.test(row.make_good_value)) {
    throw new InputError(`make-good value "${row.make_good_value}" is not a decimal number`, where);
  }
  if (row.make_good_kind === 'amount') return { ...base, makeGood: { kind: 'amount', amount: new Money(row.make_good_value) } };
  if (row.make_good_kind !== 'percent') throw new InputError(`make-good kind "${row.make_good_kind}" is not amount or percent`, where);
  if (harmedAmount === undefined) {
    throw new InputError(`customer ${row.customer_id} has no harmed amount, but the make-good is a percent of it`, where);
  }
  return { ...base, makeGood: { kind: 'percent_of_harm', percent: Number(row.make_good_value) } };
}
