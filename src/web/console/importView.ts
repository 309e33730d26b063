/** The import pages' view models: the upload form, a job's progress or outcome, the recent import batches. */
import path from 'node:path';
import { GENERIC_CUSTOMERS_HEADER, GENERIC_ORDERS_HEADER } from '../../import/formats/generic';
import type { CustomerImportSummary, OrderImportSummary } from '../../import/importer';
import type { ImportFormat } from '../../import/records';
import type { Services } from '../../wiring';
import { count, instant, percent } from './displayFormat';
import type { Job } from './jobs';

export interface ImportChoice {
  /** The form's value. */
  value: string;
  label: string;
  kind: 'orders' | 'customers';
  format: ImportFormat;
}

/** What `rekindle import orders|customers --format` accepts, as the form offers it. */
export const IMPORT_KINDS: readonly ImportChoice[] = [
  { value: 'orders-shopify', label: 'Orders: a Shopify orders export', kind: 'orders', format: 'shopify' },
  { value: 'orders-generic', label: 'Orders: generic CSV', kind: 'orders', format: 'generic' },
  { value: 'orders-cdnow', label: 'Orders: the CDNOW purchase log', kind: 'orders', format: 'cdnow' },
  { value: 'customers-shopify', label: 'Customers: a Shopify customers export', kind: 'customers', format: 'shopify' },
  { value: 'customers-generic', label: 'Customers: generic CSV', kind: 'customers', format: 'generic' },
];

export function importFormModel(base: string, jobs: readonly Job[]) {
  const link = (job: Job) => ({ label: job.label, href: `${base}/console/import/jobs/${job.id}`, state: stateWords(job) });
  return {
    kinds: IMPORT_KINDS.map((k) => ({ value: k.value, label: k.label })),
    headers: { orders: GENERIC_ORDERS_HEADER, customers: GENERIC_CUSTOMERS_HEADER },
    jobs: jobs.slice(0, 5).map(link),
  };
}

function stateWords(job: Job): string {
  if (job.state === 'running') return job.fraction === undefined ? 'running' : `running, ${percent(job.fraction)}`;
  return job.state === 'done' ? 'done' : 'failed, nothing written';
}

/** The job page: a progress bar while it runs; what was written, or the error and "nothing was written", when it ends. */
export function importJobModel(base: string, job: Job, timeZone: string) {
  const running = job.state === 'running';
  return {
    job: {
      id: job.id,
      label: job.label,
      running,
      done: job.state === 'done',
      failed: job.state === 'failed',
      phase: job.phase,
      // No value: an indeterminate bar, until the reader knows how far into the file it is.
      value: job.fraction === undefined ? undefined : Math.round(job.fraction * 1000),
      percent: job.fraction === undefined ? undefined : percent(job.fraction),
      records: job.done === undefined ? undefined : count(job.done),
      started: instant(job.startedAt, timeZone),
      finished: instant(job.finishedAt, timeZone),
      error: job.error,
      events: `${base}/console/jobs/${job.id}/events`,
      status: `${base}/console/jobs/${job.id}/status`,
      summary: job.state === 'done' ? summaryLines(job.result as OrderImportSummary | CustomerImportSummary) : [],
    },
    refresh: running ? 2 : undefined,
    jobScript: running,
  };
}

/** The same figures `rekindle import` prints. */
export function summaryLines(r: OrderImportSummary | CustomerImportSummary): string[] {
  const lines = [`${r.dryRun ? 'Dry run (nothing written): ' : ''}${count(r.rows)} rows read`];
  if ('orders' in r) {
    const o = r.orders;
    lines.push(`orders: ${count(o.inserted)} new, ${count(o.updated)} changed, ${count(o.unchanged)} unchanged`);
  }
  lines.push(`customers: ${count(r.customers.inserted)} new, ${count(r.customers.updated)} changed`);
  if ('excluded' in r) {
    const e = r.excluded;
    lines.push(`excluded from revenue: ${count(e.cancelled)} cancelled, ${count(e.refunded)} refunded in full; ${count(e.duplicates)} repeated rows`);
  }
  return lines;
}

interface BatchRow {
  id: number;
  source: string;
  file: string | null;
  status: string;
  started_at: string;
  finished_at: string | null;
  error: string | null;
}

const STATUS_WORDS: Record<string, string> = { committed: 'written', failed: 'failed, nothing written', 'dry-run': 'dry run, nothing written', running: 'running' };

/** The last ten import batches from any source (files, API, webhooks), newest first: a primary-key range read. */
export async function recentImports(services: Pick<Services, 'db' | 'config'>) {
  const rows: BatchRow[] = await services.db.reader.query(
    'SELECT id, source, file, status, started_at, finished_at, error FROM import_batches ORDER BY id DESC LIMIT 10',
  );
  const tz = services.config.shop.timeZone;
  return rows.map((r) => ({
    id: Number(r.id),
    source: r.source,
    file: r.file ? path.basename(r.file) : '',
    status: STATUS_WORDS[r.status] ?? r.status,
    failed: r.status === 'failed',
    started: instant(r.started_at, tz),
    error: r.error ?? '',
  }));
}
