/**
 * CSV cells for every export (score, report). A spreadsheet runs a cell that begins with `=`, `+`,
 * `-`, `@`, tab or CR as a formula, and imported names and emails are anyone's text: such a text
 * cell gets a leading apostrophe (OWASP's advice), which spreadsheets show as plain text. Numbers,
 * negative ones and decimal-string money included, stay numbers.
 */

const NUMBER = /^-?\d+(\.\d+)?(e[+-]?\d+)?$/i;
const FORMULA_START = /^[=+\-@\t\r]/;

export function csvCell(value: string | number | boolean | null | undefined): string {
  if (value === null || value === undefined) return '';
  if (typeof value !== 'string') return String(value);
  const text = FORMULA_START.test(value) && !NUMBER.test(value) ? `'${value}` : value;
  return /[",\n\r]/.test(text) || text !== value ? `"${text.replace(/"/g, '""')}"` : text;
}

export function csvLine(values: readonly (string | number | boolean | null | undefined)[]): string {
  return values.map(csvCell).join(',');
}
