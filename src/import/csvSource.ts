/**
 * Reads a CSV file as a stream of rows, each with the line it starts on, in constant memory.
 * Every way a file can be broken (not UTF-8, a quote left open, a wrong field count, an absurd
 * value) stops the read with an InputError saying `FILE:LINE: column: problem`.
 *
 * Records are split by csvRecords.ts; the line numbers are counted here, from the newlines inside
 * values (a CRLF inside a quoted value is one line), exactly and nearly free.
 */
import { InputError } from '../domain/errors';
import { CsvProblem, CsvRecords } from './csvRecords';
import { FileReader } from './utf8File';

export type { Progress } from './utf8File';

/** No real value (a name, an address, a list of line items) comes near this. */
export const MAX_FIELD_CHARS = 64 * 1024;
/** Bounds the record being read when a quote is left open and the rest of the file becomes one value. */
const MAX_RECORD_CHARS = 1024 * 1024;

export interface CsvRow {
  fields: string[];
  /** 1-based line the record starts on; the header is line 1. */
  line: number;
}

function newlinesIn(text: string): number {
  let count = 0;
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) count++;
  return count;
}

/** Rows handed over at a time: one await per batch instead of one per row. */
const BATCH_ROWS = 2048;

export class CsvSource extends FileReader {
  private started = false;
  private nextLine = 1;
  private header: string[] | undefined;

  /** `expectedHeader` is quoted in the messages for an empty file and a missing column. */
  constructor(file: string, readonly expectedHeader: string) {
    super(file);
  }

  /**
   * The file's rows in order, in batches: the header row first, then every data row; blank lines
   * are skipped. One pass only.
   */
  async *batches(): AsyncGenerator<CsvRow[]> {
    if (this.started) throw new Error(`${this.file} is already being read`);
    this.started = true;
    const parser = new CsvRecords(MAX_RECORD_CHARS);
    let records: string[][] = [];
    const take = (fields: string[]): void => void records.push(fields);
    let rows: CsvRow[] = [];
    // Rows are accepted (and counted) as the reader asks for them: the header goes alone first,
    // so a format can refuse it before a data row is read.
    const accepted = function* (this: CsvSource, last: boolean): Generator<CsvRow[]> {
      for (const fields of records) {
        const row = this.accept(fields);
        if (row === undefined) continue;
        rows.push(row);
        if (rows.length >= BATCH_ROWS || row.fields === this.header) {
          yield rows;
          rows = [];
        }
      }
      records = [];
      if (last && rows.length) yield rows;
    };
    try {
      for await (const chunk of this.text.chunks()) {
        parser.feed(chunk.toString('utf8'), false, take);
        yield* accepted.call(this, false);
        if (parser.problem) break;
      }
      if (!parser.problem) parser.feed('', true, take);
      yield* accepted.call(this, true);
    } finally {
      this.text.stop();
    }
    // The first problem in the file is the one reported, after every record before it.
    if (parser.problem) throw this.parseProblem(parser.problem, this.nextLine, this.header);
    if (this.header === undefined) {
      throw new InputError(`is empty; the first line must be the header: ${this.expectedHeader}`, { file: this.file, line: 1 });
    }
  }

  /** The header's column names once it has been read: the formats recognize a file by them. */
  columnNames(): readonly string[] | undefined {
    return this.header;
  }

  /** Counts the lines the record spans and checks its shape; undefined for a blank line. */
  private accept(fields: string[]): CsvRow | undefined {
    const line = this.nextLine++;
    if (fields.length === 1 && fields[0] === '') return undefined;
    for (let i = 0; i < fields.length; i++) {
      const value = fields[i];
      if (value.length > MAX_FIELD_CHARS) {
        throw new InputError(`is ${value.length} characters long; at most ${MAX_FIELD_CHARS} are accepted`, { file: this.file, line, field: this.header?.[i] });
      }
      if (value.indexOf('\n') !== -1) this.nextLine += newlinesIn(value);
    }
    if (this.header === undefined) {
      if (fields.length === 1) refuseOtherSeparators(fields[0], this.file, line);
      this.header = fields;
    } else if (fields.length !== this.header.length) {
      throw new InputError(fieldCountProblem(this.header.length, fields.length), { file: this.file, line });
    } else {
      this.rows++;
    }
    return { fields, line };
  }

  private parseProblem(error: CsvProblem, line: number, header: string[] | undefined): InputError {
    const field = error.column === undefined ? undefined : header?.[error.column];
    const problem = ((): string => {
      switch (error.code) {
        case 'CSV_QUOTE_NOT_CLOSED':
          return 'a quoted value starts here and is never closed; add the closing "';
        case 'CSV_MAX_RECORD_SIZE':
          return `the record is longer than ${MAX_RECORD_CHARS} characters; probably a quoted value here is never closed`;
        case 'CSV_INVALID_CLOSING_QUOTE':
          return 'a quoted value is followed by more text before the comma; write a quote inside a quoted value as ""';
        case 'INVALID_OPENING_QUOTE':
          return 'a quote appears inside an unquoted value; quote the whole value and write the inner quote as ""';
      }
    })();
    return new InputError(problem, { file: this.file, line, field });
  }
}

/** A header read as one column, because its columns are separated by something else, is named as such. */
function refuseOtherSeparators(header: string, file: string, line: number): void {
  const separator = header.includes(';') ? 'semicolons (;)' : header.includes('\t') ? 'tabs' : undefined;
  if (separator === undefined) return;
  throw new InputError(
    `the columns are separated by ${separator}; Rekindle reads comma-separated CSV: save or export the file with commas as separators (and dots in amounts)`,
    { file, line },
  );
}

function fieldCountProblem(expected: number, found: number): string {
  const hint = found > expected ? '; a value containing a comma must be quoted' : '';
  return `has ${found} fields but the header has ${expected}${hint}`;
}

/** Column positions by name; names match trimmed and case-insensitively, as people type them. */
export class Header {
  private readonly positions = new Map<string, number[]>();

  constructor(names: string[], private readonly file: string, private readonly expected: string, private readonly line = 1) {
    names.forEach((name, position) => {
      const key = name.trim().toLowerCase();
      this.positions.set(key, [...(this.positions.get(key) ?? []), position]);
    });
  }

  /** Position of the first of `names` the header has, or -1. */
  find(...names: string[]): number {
    for (const name of names) {
      const positions = this.positions.get(name.toLowerCase());
      if (positions === undefined) continue;
      if (positions.length > 1) {
        throw new InputError(`appears ${positions.length} times in the header; keep one`, { file: this.file, line: this.line, field: name });
      }
      return positions[0];
    }
    return -1;
  }

  require(...names: string[]): number {
    const position = this.find(...names);
    if (position === -1) {
      throw new InputError(`missing column; the header must have ${names.join(' or ')}, like: ${this.expected}`, { file: this.file, line: this.line, field: names[0] });
    }
    return position;
  }
}

/**
 * The loop of every format with one record per row: the header names the columns once, then
 * `read` turns each data row into a record, told where it is for its error messages.
 */
export async function* recordPerRow<C, T>(
  source: CsvSource,
  describe: (header: Header) => C,
  read: (fields: string[], columns: C, place: { file: string; line: number }) => T,
): AsyncGenerator<T[]> {
  let columns: C | undefined;
  const place = { file: source.file, line: 1 };
  for await (const rows of source.batches()) {
    const records: T[] = [];
    for (const row of rows) {
      if (columns === undefined) {
        columns = describe(new Header(row.fields, source.file, source.expectedHeader, row.line));
        continue;
      }
      place.line = row.line;
      records.push(read(row.fields, columns, place));
    }
    yield records;
  }
}
