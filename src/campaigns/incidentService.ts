/**
 * Recording an incident and keeping everyone it harmed informed: create (with its scope),
 * update (an email to everyone affected who has not asked us to stop), resolve (the closing
 * "here is what we changed" email).
 */
import { readFileSync } from 'node:fs';
import type { EntityManager } from 'typeorm';
import type { Database } from '../db/database';
import { InputError } from '../domain/errors';
import { formatMinor, parseAmountToMinor } from '../domain/money';
import { list } from '../db/sqlDialect';
import { loadIncident, parseMakeGood } from './incidents';
import { insertSends } from './launch';
import type { CampaignFile } from './definition';

export interface AffectedRow {
  line: number;
  email?: string;
  orderId?: string;
  harmedMinor: number | null;
}

/** One customer per line: an email, an order id or Shopify order name (#1043), optionally `,harmed amount`. A header line is allowed. */
export function readAffectedFile(file: string, currency: string): AffectedRow[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new InputError(`cannot be read (${(error as NodeJS.ErrnoException).code})`, { file });
  }
  const rows: AffectedRow[] = [];
  text.replace(/^\uFEFF/, '').split(/\r?\n/).forEach((raw, i) => {
    const line = i + 1;
    const [who, amount, ...rest] = raw.split(',').map((f) => f.trim());
    if (!who || (line === 1 && /^(email|order_id|customer)$/i.test(who))) return;
    if (rest.length) throw new InputError('expected `email or order id[,harmed amount]`', { file, line });
    let harmedMinor: number | null = null;
    if (amount) {
      const parsed = parseAmountToMinor(amount, currency);
      if (typeof parsed !== 'number') throw new InputError(parsed.problem, { file, line, field: 'harmed amount' });
      harmedMinor = parsed;
    }
    rows.push(who.includes('@') ? { line, email: who.toLowerCase(), harmedMinor } : { line, orderId: who, harmedMinor });
  });
  if (!rows.length) throw new InputError('lists nobody; give one email or order id per line', { file });
  return rows;
}

export async function createIncident(
  db: Database,
  input: { title: string; description: string; plan?: string; makeGood: string; affectedFile: string; currency: string; now: Date },
): Promise<{ id: number; affected: number; harmed: string }> {
  const makeGood = parseMakeGood(input.makeGood, input.currency);
  const affected = readAffectedFile(input.affectedFile, input.currency);
  const customers = await resolveAffected(db, affected, input.affectedFile);
  if (makeGood.kind === 'percent' && customers.some((c) => c.harmedMinor === null)) {
    const line = customers.find((c) => c.harmedMinor === null)?.line;
    throw new InputError('a percentage make-good needs each customer\'s harmed amount (`email,12.40`)', { file: input.affectedFile, line });
  }
  return db.write(async (tx) => {
    const d = db.dialect;
    await tx.query(
      `INSERT INTO incidents (title, description, plan, make_good_kind, make_good_value, currency, status, created_at) VALUES ${d.rows(1, 8)}`,
      [input.title, input.description, input.plan ?? null, makeGood.kind, makeGood.value, input.currency, 'open', input.now.toISOString()],
    );
    const [{ id }] = await tx.query('SELECT MAX(id) AS id FROM incidents');
    const byCustomer = new Map<number, AffectedRow & { customerId: number }>();
    for (const c of customers) {
      const known = byCustomer.get(c.customerId);
      byCustomer.set(c.customerId, known ? { ...c, harmedMinor: (known.harmedMinor ?? 0) + (c.harmedMinor ?? 0) } : c);
    }
    const rows = [...byCustomer.values()].map((c) => [Number(id), c.customerId, c.harmedMinor, c.orderId ?? null]);
    for (let i = 0; i < rows.length; i += 5000) {
      const slice = rows.slice(i, i + 5000);
      await tx.query(`INSERT INTO incident_customers (incident_id, customer_id, harmed_minor, order_id) VALUES ${d.rows(slice.length, 4)}`, slice.flat());
    }
    const harmed = [...byCustomer.values()].reduce((sum, c) => sum + (c.harmedMinor ?? 0), 0);
    return { id: Number(id), affected: byCustomer.size, harmed: formatMinor(harmed, input.currency) };
  });
}

async function resolveAffected(db: Database, rows: AffectedRow[], file: string): Promise<(AffectedRow & { customerId: number })[]> {
  const d = db.dialect;
  const emails = rows.filter((r) => r.email).map((r) => r.email as string);
  const orderIds = rows.filter((r) => r.orderId).map((r) => r.orderId as string);
  const byEmail = new Map<string, number>();
  const byOrder = new Map<string, number>();
  for (let i = 0; i < emails.length; i += 5000) {
    const slice = emails.slice(i, i + 5000);
    for (const r of await db.reader.query(`SELECT id, email FROM customers WHERE email IN (${list(d, slice.length)}) ORDER BY id DESC`, slice)) byEmail.set(r.email, Number(r.id));
  }
  const lookUp = async (column: 'order_id' | 'order_name', keys: string[]) => {
    for (let i = 0; i < keys.length; i += 5000) {
      const slice = keys.slice(i, i + 5000);
      for (const r of await db.reader.query(`SELECT ${column} AS k, customer_id FROM orders WHERE ${column} IN (${list(d, slice.length)})`, slice)) byOrder.set(r.k, Number(r.customer_id));
    }
  };
  await lookUp('order_id', orderIds);
  // Shopify's `#1043` (the export's Name) where the order id is its numeric Id; ids win when both match.
  await lookUp('order_name', orderIds.filter((id) => !byOrder.has(id)));
  return rows.map((r) => {
    const customerId = r.email ? byEmail.get(r.email) : byOrder.get(r.orderId as string);
    if (customerId === undefined) {
      throw new InputError(r.email ? `no customer with email ${r.email}` : `no order "${r.orderId}"; import the order history first`, { file, line: r.line });
    }
    return { ...r, customerId };
  });
}

/**
 * Records the message and queues it for everyone in the incident's runs who has not exited;
 * the dispatcher sends it (suppressed addresses are skipped there, as everywhere).
 */
export async function postIncidentMessage(db: Database, incidentId: number, kind: 'update' | 'resolution', message: string, now: Date): Promise<{ queued: number }> {
  const incident = await loadIncident(db, incidentId);
  if (incident.status === 'resolved') throw new InputError(`incident ${incidentId} is resolved already`, { field: 'incident' });
  return db.write(async (tx) => {
    const d = db.dialect;
    await tx.query(`INSERT INTO incident_updates (incident_id, kind, message, at) VALUES ${d.rows(1, 4)}`, [incidentId, kind, message, now.toISOString()]);
    if (kind === 'resolution') {
      await tx.query(`UPDATE incidents SET status = 'resolved', resolved_at = ${d.param(0)} WHERE id = ${d.param(1)}`, [now.toISOString(), incidentId]);
    }
    return { queued: await queueIncidentStep(tx, db, incidentId, kind, now) };
  });
}

async function queueIncidentStep(tx: EntityManager, db: Database, incidentId: number, kind: 'update' | 'resolution', now: Date): Promise<number> {
  const d = db.dialect;
  const runs: { id: number; definition: string }[] = await tx.query(
    `SELECT id, definition FROM campaign_runs WHERE incident_id = ${d.param(0)} AND state IN ('active', 'paused')`,
    [incidentId],
  );
  const [{ updates }] = await tx.query(`SELECT COUNT(*) AS updates FROM incident_updates WHERE incident_id = ${d.param(0)} AND kind = 'update'`, [incidentId]);
  let queued = 0;
  for (const run of runs) {
    const steps = (JSON.parse(run.definition) as CampaignFile).steps;
    const trigger = kind === 'update' ? 'incident-update' : 'incident-resolution';
    const index = steps.findIndex((s) => s.trigger === trigger);
    if (index < 0) continue;
    // The first update uses the update step's number; later ones follow the definition's steps.
    const step = kind === 'update' && Number(updates) > 1 ? steps.length + Number(updates) - 1 : index + 1;
    const enrolments: { id: number; customer_id: number }[] = await tx.query(
      `SELECT id, customer_id FROM enrolments WHERE run_id = ${d.param(0)} AND holdout = ${d.param(1)} AND exited_at IS NULL`,
      [run.id, false],
    );
    await insertSends(tx, db, enrolments.map((e) => [e.id, run.id, e.customer_id, step, 'scheduled', now.toISOString()]));
    queued += enrolments.length;
  }
  return queued;
}

export async function incidentScope(db: Database, incidentId: number) {
  const incident = await loadIncident(db, incidentId);
  const d = db.dialect;
  const [scope] = await db.reader.query(
    `SELECT COUNT(*) AS customers, SUM(harmed_minor) AS harmed FROM incident_customers WHERE incident_id = ${d.param(0)}`,
    [incidentId],
  );
  const updates = await db.reader.query(`SELECT kind, message, at FROM incident_updates WHERE incident_id = ${d.param(0)} ORDER BY id`, [incidentId]);
  const runs = await db.reader.query(`SELECT id, campaign, state FROM campaign_runs WHERE incident_id = ${d.param(0)} ORDER BY id`, [incidentId]);
  return {
    id: incident.id,
    title: incident.title,
    description: incident.description,
    plan: incident.plan,
    status: incident.status,
    makeGood: incident.makeGoodText,
    affected: Number(scope.customers),
    harmed: formatMinor(Number(scope.harmed ?? 0), incident.currency),
    currency: incident.currency,
    updates,
    runs: runs.map((r: { id: number; campaign: string; state: string }) => ({ runId: Number(r.id), campaign: r.campaign, state: r.state })),
  };
}
