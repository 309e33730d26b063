/**
 * Which kind of file a header belongs to, by columns only that kind has, so that a file read with
 * the wrong `--format` (or given to the wrong command) is told what it is and what to type,
 * instead of only which column the chosen format misses.
 */
import { InputError } from '../../domain/errors';

export interface FileKind {
  command: 'orders' | 'customers';
  format: 'generic' | 'shopify' | 'cdnow';
}

const NAMES: Record<string, string> = {
  'orders generic': 'a generic orders file',
  'orders shopify': 'a Shopify orders export',
  'orders cdnow': 'the CDNOW purchase log',
  'customers generic': 'a generic customers file',
  'customers shopify': 'a Shopify customers export',
};

const nameOf = (kind: FileKind): string => NAMES[`${kind.command} ${kind.format}`];

/** A CDNOW line read as a one-column header: customer id, (id,) yyyymmdd, quantity, amount. */
const CDNOW_LINE = /^\s*\d+(\s+\d+)?\s+\d{8}\s+\d+\s+\d+(\.\d+)?\s*$/;

export function recognize(columns: readonly string[]): FileKind | undefined {
  const has = new Set(columns.map((c) => c.trim().toLowerCase()));
  const all = (...names: string[]) => names.every((n) => has.has(n));
  if (all('name', 'lineitem name', 'created at')) return { command: 'orders', format: 'shopify' };
  if (all('first name', 'last name', 'email')) return { command: 'customers', format: 'shopify' };
  if (all('order_id', 'ordered_at')) return { command: 'orders', format: 'generic' };
  if (!has.has('order_id') && (has.has('customer_id') || has.has('email')) && ['first_name', 'last_name', 'accepts_marketing'].some((n) => has.has(n))) {
    return { command: 'customers', format: 'generic' };
  }
  if (columns.length === 1 && CDNOW_LINE.test(columns[0])) return { command: 'orders', format: 'cdnow' };
  return undefined;
}

/**
 * The header error of a file that is recognizably another kind becomes "this looks like X, not
 * Y: import it with ..."; every other error is returned as it is.
 */
export function withFormatHint(error: unknown, columns: readonly string[] | undefined, chosen: FileKind): unknown {
  if (!(error instanceof InputError) || error.where.line !== 1 || columns === undefined) return error;
  const kind = recognize(columns);
  if (kind === undefined || (kind.command === chosen.command && kind.format === chosen.format)) return error;
  const how = kind.command === chosen.command
    ? `--format ${kind.format}`
    : `\`rekindle import ${kind.command} FILE${kind.format === 'generic' ? '' : ` --format ${kind.format}`}\``;
  return new InputError(`this looks like ${nameOf(kind)}, not ${nameOf(chosen)}: import it with ${how}`, { file: error.where.file, line: 1 });
}
