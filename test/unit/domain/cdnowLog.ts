/**
 * The CDNOW sample as a purchase log, parsed here with a few lines rather than through the
 * importer so the statistics tests stand on their own.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PurchaseLog, PurchaseLogBuilder } from '../../../src/domain/rfm';

const ROOT = join(__dirname, '..', '..', '..');

/** Sample customer id (1..2357) of each log customer, in file order. */
export interface CdnowLog {
  log: PurchaseLog;
  ids: number[];
}

export function loadCdnowLog(): CdnowLog {
  const text = readFileSync(join(ROOT, 'samples', 'cdnow', 'CDNOW_sample.txt'), 'utf8');
  const builder = new PurchaseLogBuilder(8000);
  const ids: number[] = [];
  for (const line of text.split(/\r?\n/)) {
    const fields = line.trim().split(/\s+/);
    if (fields.length < 5) continue;
    const id = Number(fields[1]);
    if (ids[ids.length - 1] !== id) {
      builder.addCustomer();
      ids.push(id);
    }
    const ymd = fields[2];
    builder.addPurchase(`${ymd.slice(0, 4)}-${ymd.slice(4, 6)}-${ymd.slice(6, 8)}`, Number(fields[4]));
  }
  return { log: builder.build(), ids };
}

export interface PublishedSummaryRow {
  id: number;
  frequency: number;
  recency: number;
  T: number;
  monetary: number;
  xStar: number;
}

/** The reference summary in test/fixtures/cdnow (6 decimals, built independently of this code). */
export function loadReferenceSummary(): PublishedSummaryRow[] {
  const text = readFileSync(join(ROOT, 'test', 'fixtures', 'cdnow', 'cdnow_cal_holdout_summary.csv'), 'utf8');
  return text
    .trim()
    .split('\n')
    .slice(1)
    .map((line) => {
      const f = line.split(',');
      return { id: Number(f[0]), frequency: Number(f[2]), recency: Number(f[3]), T: Number(f[4]), monetary: Number(f[5]), xStar: Number(f[6]) };
    });
}
