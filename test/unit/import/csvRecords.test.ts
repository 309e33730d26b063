/**
 * The CSV splitter that replaced csv-parse on the import path: the same records as csv-parse (with
 * csvSource's old options) for any well-formed file however its text is cut into chunks, and the
 * same problem codes and fields for broken ones.
 */
import fc from 'fast-check';
import { parse } from 'csv-parse/sync';
import { CsvRecords } from '../../../src/import/csvRecords';

const MAX = 1024 * 1024;

/** Records of `text`, fed in pieces cut at `cuts`. */
function split(text: string, cuts: number[] = []) {
  const parser = new CsvRecords(MAX);
  const records: string[][] = [];
  let from = 0;
  for (const cut of [...cuts].sort((a, b) => a - b)) {
    parser.feed(text.slice(from, cut), false, (r) => records.push(r));
    from = cut;
  }
  parser.feed(text.slice(from), true, (r) => records.push(r));
  return { records, problem: parser.problem };
}

const csvParse = (text: string): string[][] => parse(text, { bom: true, record_delimiter: ['\r\n', '\n'], relax_column_count: true });

const value = fc.array(fc.constantFrom('a', 'b', ' ', ',', '"', '\n', '\r\n', '\r', 'é', '€'), { maxLength: 6 }).map((pieces) => pieces.join(''));
const cell = (v: string, quote: boolean) => (quote || /[",\n]/.test(v) || v.startsWith('\r') || v.endsWith('\r') ? `"${v.replace(/"/g, '""')}"` : v);
const file = fc
  .tuple(fc.array(fc.array(fc.tuple(value, fc.boolean()), { minLength: 1, maxLength: 4 }), { minLength: 1, maxLength: 6 }), fc.constantFrom('\n', '\r\n'), fc.boolean(), fc.boolean())
  .map(([rows, eol, finalEol, bom]) => (bom ? '\uFEFF' : '') + rows.map((r) => r.map(([v, q]) => cell(v, q)).join(',')).join(eol) + (finalEol ? eol : ''));

describe('CsvRecords', () => {
  it('splits any well-formed file as csv-parse does, wherever the chunks are cut', () => {
    fc.assert(
      fc.property(file, fc.array(fc.nat(), { maxLength: 4 }), (text, cuts) => {
        const { records, problem } = split(text, cuts.map((c) => c % (text.length + 1)));
        expect(problem).toBeUndefined();
        expect(records).toEqual(csvParse(text));
      }),
      { numRuns: 2000 },
    );
  });

  it('names the problem and the field at fault as csv-parse did', () => {
    expect(split('a,b\n1,"open\n').problem).toMatchObject({ code: 'CSV_QUOTE_NOT_CLOSED', column: 1 });
    expect(split('a,b,c\n1,"x"y,3\n').problem).toMatchObject({ code: 'CSV_INVALID_CLOSING_QUOTE', column: 1 });
    expect(split('a,b,c\n1,2,x"y\n').problem).toMatchObject({ code: 'INVALID_OPENING_QUOTE', column: 2 });
    const open = split(`a,b\n1,"open\n${'2,3\n'.repeat(300_000)}`, [100, 70_000, 700_000]);
    expect(open.problem).toMatchObject({ code: 'CSV_MAX_RECORD_SIZE' });
    expect(open.records).toEqual([['a', 'b']]);
  });

  it('hands over every record before the first problem, and nothing after it', () => {
    const { records, problem } = split('a,b\n1,2\n3,"x"y\n4,5\n', [9]);
    expect(records).toEqual([['a', 'b'], ['1', '2']]);
    expect(problem?.code).toBe('CSV_INVALID_CLOSING_QUOTE');
  });
});
