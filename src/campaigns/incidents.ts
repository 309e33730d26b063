/**
 * Incidents: what the shop got wrong, who it harmed, and what it owes them. Recording one and
 * sending its updates are the marketer's; the make-good floor is the budget rule's.
 */
import type { EntityManager } from 'typeorm';
import type { Database } from '../db/database';
import type { MakeGoodRule } from '../domain/budget';
import { InputError, NotFoundError } from '../domain/errors';
import { formatMinor, Money, parseAmountToMinor } from '../domain/money';

export interface IncidentRecord {
  id: number;
  title: string;
  description: string;
  plan: string | null;
  status: 'open' | 'resolved';
  currency: string;
  makeGood: MakeGoodRule;
  makeGoodText: string;
}

/** `12.40` (an amount in the shop currency) or `50%` (of each customer's harmed amount). */
export function parseMakeGood(text: string, currency: string): { kind: 'amount' | 'percent'; value: string } {
  const percent = /^(\d{1,3}(?:\.\d+)?)\s*%$/.exec(text.trim());
  if (percent) {
    const value = Number(percent[1]);
    if (value <= 0 || value > 100) throw new InputError(`"${text}" must be a percentage above 0 and at most 100`, { field: '--make-good' });
    return { kind: 'percent', value: percent[1] };
  }
  const minor = parseAmountToMinor(text, currency);
  if (typeof minor !== 'number') throw new InputError(`${minor.problem}; give an amount like 12.40 or a percentage like 50%`, { field: '--make-good' });
  return { kind: 'amount', value: formatMinor(minor, currency) };
}

export async function loadIncident(db: Database | { reader: EntityManager; dialect: Database['dialect'] }, id: number): Promise<IncidentRecord> {
  const [row] = await db.reader.query(`SELECT * FROM incidents WHERE id = ${db.dialect.param(0)}`, [id]);
  if (!row) throw new NotFoundError(`no incident ${id}; \`rekindle incident show\` lists them`);
  const makeGood: MakeGoodRule =
    row.make_good_kind === 'percent' ? { kind: 'percent_of_harm', percent: Number(row.make_good_value) } : { kind: 'amount', amount: new Money(row.make_good_value) };
  return {
    id: Number(row.id), title: row.title, description: row.description, plan: row.plan, status: row.status, currency: row.currency, makeGood,
    makeGoodText: row.make_good_kind === 'percent' ? `${row.make_good_value}% of the harmed amount` : `${row.make_good_value} ${row.currency}`,
  };
}
