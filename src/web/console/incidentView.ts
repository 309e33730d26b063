/**
 * The incident pages' view models: the list, and one incident's scope (incidentScope, as
 * `rekindle incident show`), its updates, and who was told what: the sends of its apology runs
 * by step and status, and the latest recipients.
 */
import type { CampaignFile } from '../../campaigns/definition';
import { incidentScope } from '../../campaigns/incidentService';
import { parseAmountToMinor } from '../../domain/money';
import type { Services } from '../../wiring';
import { count, instant, money } from './displayFormat';

const SHOWN = 50;

export async function incidentListModel(services: Pick<Services, 'db' | 'config'>) {
  const rows: Array<{ id: number; title: string; status: string; created_at: string; affected: number }> = await services.db.reader.query(
    `SELECT i.id, i.title, i.status, i.created_at, (SELECT COUNT(*) FROM incident_customers ic WHERE ic.incident_id = i.id) AS affected
       FROM incidents i ORDER BY i.id DESC LIMIT 100`,
  );
  return rows.map((r) => ({
    id: Number(r.id),
    title: r.title,
    open: r.status === 'open',
    status: r.status,
    created: instant(r.created_at, services.config.shop.timeZone),
    affected: count(Number(r.affected)),
  }));
}

interface SendCount {
  run_id: number;
  step: number;
  status: string;
  n: number;
}

export async function incidentPageModel(services: Pick<Services, 'db' | 'config'>, id: number) {
  const { db, config } = services;
  const d = db.dialect;
  const tz = config.shop.timeZone;
  const scope = await incidentScope(db, id);
  const runs: Array<{ id: number; campaign: string; state: string; definition: string; launched_at: string }> = await db.reader.query(
    `SELECT id, campaign, state, definition, launched_at FROM campaign_runs WHERE incident_id = ${d.param(0)} ORDER BY id`,
    [id],
  );
  const runIds = runs.map((r) => Number(r.id));
  const inRuns = runIds.length ? runIds.map((_, i) => d.param(i)).join(', ') : 'NULL';
  const [counts, recipients, affected] = await Promise.all([
    runIds.length
      ? (db.reader.query(`SELECT run_id, step, status, COUNT(*) AS n FROM sends WHERE run_id IN (${inRuns}) GROUP BY run_id, step, status`, runIds) as Promise<SendCount[]>)
      : Promise.resolve([] as SendCount[]),
    // The newest step first, in the order of the sends_run_step index: no sort of a large run's sends.
    runIds.length
      ? db.reader.query(
          `SELECT s.run_id, s.step, s.status, s.sent_at, s.due_at, c.id AS customer_id, c.email FROM sends s JOIN customers c ON c.id = s.customer_id
            WHERE s.run_id IN (${inRuns}) ORDER BY s.run_id DESC, s.step DESC LIMIT ${SHOWN}`,
          runIds,
        )
      : Promise.resolve([]),
    db.reader.query(
      `SELECT c.id, c.email, ic.harmed_minor, ic.order_id FROM incident_customers ic JOIN customers c ON c.id = ic.customer_id
        WHERE ic.incident_id = ${d.param(0)} ORDER BY ic.customer_id LIMIT ${SHOWN}`,
      [id],
    ),
  ]);
  const stepName = stepNamer(runs);
  const told = new Map<string, { run: string; step: string; counts: Record<string, number> }>();
  // Grouped in the index's order; sorted here, where it costs nothing.
  for (const c of [...counts].sort((p, q) => Number(p.run_id) - Number(q.run_id) || Number(p.step) - Number(q.step))) {
    const key = `${c.run_id} ${c.step}`;
    const entry = told.get(key) ?? { run: `run ${c.run_id}`, step: stepName(Number(c.run_id), Number(c.step)), counts: {} };
    entry.counts[c.status] = (entry.counts[c.status] ?? 0) + Number(c.n);
    told.set(key, entry);
  }
  return {
    incident: {
      ...scope,
      open: scope.status === 'open',
      harmed: money(parseAmountToMinor(scope.harmed, scope.currency) as number, scope.currency),
      affected: count(scope.affected),
      updates: (scope.updates as Array<{ kind: string; message: string; at: string }>).map((u) => ({
        kind: u.kind === 'resolution' ? 'Resolved' : 'Update',
        message: u.message,
        at: instant(u.at, tz),
      })),
      runs: runs.map((r) => ({ id: Number(r.id), campaign: r.campaign, state: r.state, launched: instant(r.launched_at, tz) })),
    },
    affectedShown: affected.map((a: { id: number; email: string | null; harmed_minor: number | null; order_id: string | null }) => ({
      id: Number(a.id),
      email: a.email ?? `customer ${a.id}`,
      harmed: a.harmed_minor === null ? '' : money(Number(a.harmed_minor), scope.currency),
      order: a.order_id ?? '',
    })),
    affectedMore: scope.affected > affected.length ? `The first ${affected.length} of ${count(scope.affected)}.` : '',
    told: [...told.values()].map((t) => ({
      run: t.run,
      step: t.step,
      sent: count(t.counts.sent ?? 0),
      waiting: count((t.counts.scheduled ?? 0) + (t.counts.claimed ?? 0) + (t.counts.expected ?? 0)),
      other: Object.entries(t.counts)
        .filter(([status]) => !['sent', 'scheduled', 'claimed', 'expected'].includes(status))
        .map(([status, n]) => `${count(n)} ${status}`)
        .join(', '),
    })),
    recipients: recipients.map((r: { run_id: number; step: number; status: string; sent_at: string | null; due_at: string; customer_id: number; email: string | null }) => ({
      customerId: Number(r.customer_id),
      email: r.email ?? `customer ${r.customer_id}`,
      step: stepName(Number(r.run_id), Number(r.step)),
      status: r.status,
      when: instant(r.sent_at ?? r.due_at, tz),
    })),
  };
}

/** "2. An update on what went wrong" from the run's own definition; updates after the first are numbered on. */
function stepNamer(runs: Array<{ id: number; definition: string }>): (runId: number, step: number) => string {
  const steps = new Map(runs.map((r) => [Number(r.id), (JSON.parse(r.definition) as CampaignFile).steps]));
  return (runId, step) => {
    const own = steps.get(runId) ?? [];
    if (step <= own.length) return `${step}. ${own[step - 1].subject}`;
    return `${step}. a later update (update ${step - own.length + 1})`;
  };
}
