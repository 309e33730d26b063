/**
 * Splits CSV text into records (RFC 4180: comma-separated, records end at LF or CRLF, quoted
 * values may hold commas, quotes written "" and line breaks). It replaces csv-parse on the import
 * path: a bare csv-parse loop was a third of the file reader's time (issue 15), mostly spent
 * walking the text a character at a time; here unquoted values, the usual case, are cut out with
 * indexOf. What it refuses, and how it names it, is what csv-parse with csvSource's options did:
 * the same codes, each with the position of the field in its record.
 */

export type CsvProblemCode = 'CSV_QUOTE_NOT_CLOSED' | 'CSV_MAX_RECORD_SIZE' | 'CSV_INVALID_CLOSING_QUOTE' | 'INVALID_OPENING_QUOTE';

export interface CsvProblem {
  code: CsvProblemCode;
  /** Position of the field in its record (0-based), where one field is at fault. */
  column?: number;
  message: string;
}

const QUOTE = 34;
const LF = 10;
const CR = 13;
const COMMA = 44;

/** Not enough text yet to finish the record. */
const MORE = -1;

export class CsvRecords {
  /** The start of a record not finished by the text so far. */
  private pending = '';
  private started = false;
  problem: CsvProblem | undefined;
  /** Where the next quote, comma and line feed are in the text being parsed (text.length when none): each is searched for again only once passed. */
  private quoteAt = -1;
  private commaAt = -1;
  private lfAt = -1;

  constructor(private readonly maxRecordChars: number) {}

  /**
   * Adds text (`last`: the end of the file) and hands each complete record to `record`. Stops
   * at the first problem, which stays in `problem`; records before it have been handed over.
   */
  feed(chunk: string, last: boolean, record: (fields: string[]) => void): void {
    if (this.problem) return;
    let text = this.pending + chunk;
    if (!this.started && text.length) {
      this.started = true;
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    }
    let at = 0;
    this.quoteAt = this.commaAt = this.lfAt = -1;
    while (at < text.length) {
      const fields: string[] = [];
      const next = this.parseRecord(text, at, last, fields);
      // parseRecord may have set it (TypeScript keeps the narrowing from the top of feed).
      const problem = this.problem as CsvProblem | undefined;
      if (problem?.code === 'CSV_QUOTE_NOT_CLOSED' && text.length - at > this.maxRecordChars) this.problem = tooLong(this.maxRecordChars);
      if (problem) return;
      if (next === MORE) break;
      if (next - at > this.maxRecordChars) {
        this.problem = tooLong(this.maxRecordChars);
        return;
      }
      record(fields);
      at = next;
    }
    this.pending = at < text.length ? text.slice(at) : '';
    if (this.pending.length > this.maxRecordChars) {
      this.problem = tooLong(this.maxRecordChars);
    }
  }

  /** Parses the record starting at `at` into `fields`; returns where the next one starts, or MORE. */
  private parseRecord(text: string, at: number, last: boolean, fields: string[]): number {
    const end = text.length;
    let i = at;
    for (;;) {
      if (text.charCodeAt(i) === QUOTE) {
        let value = '';
        let from = i + 1;
        for (;;) {
          const close = text.indexOf('"', from);
          if (close === -1) return this.unfinished(last, 'CSV_QUOTE_NOT_CLOSED', fields.length, 'quote not closed');
          if (text.charCodeAt(close + 1) === QUOTE) {
            value += text.slice(from, close + 1);
            from = close + 2;
            continue;
          }
          value += text.slice(from, close);
          i = close + 1;
          break;
        }
        fields.push(value);
        if (i === end) return last ? end : MORE;
        const c = text.charCodeAt(i);
        if (c === COMMA) {
          i++;
          if (i === end && !last) return MORE;
          if (i === end) {
            fields.push('');
            return end;
          }
          continue;
        }
        if (c === LF) return i + 1;
        if (c === CR) {
          if (i + 1 === end) return last ? this.closingQuote(fields) : MORE;
          if (text.charCodeAt(i + 1) === LF) return i + 2;
        }
        return this.closingQuote(fields);
      }
      // An unquoted value: up to the next comma on this line, or the line's end.
      if (this.lfAt < i) this.lfAt = after(text, '\n', i);
      if (this.commaAt < i) this.commaAt = after(text, ',', i);
      if (this.quoteAt < i) this.quoteAt = after(text, '"', i);
      const lineEnd = this.lfAt;
      if (lineEnd === end && !last) return MORE;
      const comma = this.commaAt;
      const valueEnd = Math.min(comma, lineEnd);
      if (this.quoteAt < valueEnd) {
        this.problem = { code: 'INVALID_OPENING_QUOTE', column: fields.length, message: 'quote inside an unquoted value' };
        return MORE;
      }
      if (comma < lineEnd) {
        fields.push(text.slice(i, comma));
        i = comma + 1;
        if (i === end) {
          fields.push('');
          return end;
        }
        continue;
      }
      const cut = lineEnd < end && valueEnd > i && text.charCodeAt(valueEnd - 1) === CR ? valueEnd - 1 : valueEnd;
      fields.push(text.slice(i, cut));
      return lineEnd === end ? end : lineEnd + 1;
    }
  }

  private unfinished(last: boolean, code: CsvProblemCode, column: number, message: string): number {
    if (last) this.problem = { code, column, message };
    return MORE;
  }

  private closingQuote(fields: string[]): number {
    this.problem = { code: 'CSV_INVALID_CLOSING_QUOTE', column: fields.length - 1, message: 'text after a closing quote' };
    return MORE;
  }
}

/** Position of `char` in `text` from `from`, or text.length when there is none. */
function after(text: string, char: string, from: number): number {
  const at = text.indexOf(char, from);
  return at === -1 ? text.length : at;
}

const tooLong = (max: number): CsvProblem => ({ code: 'CSV_MAX_RECORD_SIZE', message: `record longer than ${max} characters` });
