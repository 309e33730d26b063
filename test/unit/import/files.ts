/** Fixture builders for the format tests: small files in a temp directory, written per test. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { InputError } from '../../../src/domain/errors';
import type { RecordReader } from '../../../src/import/formats';

const dirs: string[] = [];

afterAll(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** Writes `content` to a fresh temp file and returns its path. */
export function tempFile(name: string, content: string | Buffer): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'rekindle-import-'));
  dirs.push(dir);
  const file = path.join(dir, name);
  writeFileSync(file, content);
  return file;
}

export interface CsvOptions {
  eol?: '\n' | '\r\n';
  bom?: boolean;
}

/** RFC 4180 quoting, only where a value needs it, as spreadsheet exports do. */
export function csvValue(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

export function csvText(rows: string[][], { eol = '\n', bom = false }: CsvOptions = {}): string {
  return (bom ? '\uFEFF' : '') + rows.map((row) => row.map(csvValue).join(',')).join(eol) + eol;
}

export type Row = Record<string, string>;

/** A header from the first row's keys, then every row's values in that order. */
export function csvFile(name: string, rows: Row[], options: CsvOptions = {}): string {
  const columns = Object.keys(rows[0]);
  return tempFile(name, csvText([columns, ...rows.map((row) => columns.map((column) => row[column] ?? ''))], options));
}

let orderNumber = 0;

/** A valid generic orders row; override what the test is about. */
export function aGenericRow(overrides: Row = {}): Row {
  orderNumber++;
  return {
    order_id: `A${1000 + orderNumber}`,
    customer_id: `C${orderNumber}`,
    email: `maria${orderNumber}@example.com`,
    ordered_at: '2025-03-12T10:00:00+01:00',
    amount: '42.50',
    currency: 'EUR',
    ...overrides,
  };
}

export async function collect<T>(reader: RecordReader<T> | { records: AsyncIterable<T> }): Promise<T[]> {
  const all: T[] = [];
  for await (const record of reader.records) all.push(record);
  return all;
}

/** Runs `work` and returns the InputError it must fail with. */
export async function rejection(work: () => unknown): Promise<InputError> {
  try {
    await work();
  } catch (error) {
    if (error instanceof InputError) return error;
    throw error;
  }
  throw new Error('expected an InputError, but the input was accepted');
}

/** Reads everything and returns the InputError it must end with. */
export function inputErrorOf(reader: { records: AsyncIterable<unknown> }): Promise<InputError> {
  return rejection(() => collect(reader));
}
