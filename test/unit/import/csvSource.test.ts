import { CsvRow, CsvSource, MAX_FIELD_CHARS } from '../../../src/import/csvSource';
import { rejection, tempFile } from './files';

async function rowsOf(file: string): Promise<CsvRow[]> {
  const rows: CsvRow[] = [];
  for await (const batch of new CsvSource(file, 'a,b,c').batches()) rows.push(...batch);
  return rows;
}

const errorOf = (file: string) => rejection(() => rowsOf(file));

describe('CsvSource', () => {
  it.each([
    [
      'quoted values with commas, doubled quotes and newlines, each record numbered by its first line',
      'a,b,c\n1,"Beans, dark",x\n2,"Tee ""Earl Grey""\nlose\nin der Dose",y\n3,plain,z\n',
      [[1, 'a', 'b', 'c'], [2, '1', 'Beans, dark', 'x'], [3, '2', 'Tee "Earl Grey"\nlose\nin der Dose', 'y'], [6, '3', 'plain', 'z']],
    ],
    [
      'a BOM, CRLF (also inside quotes), mixed line endings and a blank line',
      '\uFEFFa,b,c\r\n1,"x\r\ny",z\r\n\r\n2,q,r\n3,s,t\r\n',
      [[1, 'a', 'b', 'c'], [2, '1', 'x\r\ny', 'z'], [5, '2', 'q', 'r'], [6, '3', 's', 't']],
    ],
  ])('reads %s', async (_, content, expected) => {
    const rows = await rowsOf(tempFile('orders.csv', content));
    expect(rows.map((r) => [r.line, ...r.fields])).toEqual(expected);
  });

  it('keeps characters split across read chunks intact', async () => {
    const values = Array.from({ length: 20_000 }, (_, i) => `Zoë Müller – Röstkaffee ☕ ${i}`);
    const file = tempFile('big.csv', `a,b,c\n${values.map((value, i) => `${i},${value},x`).join('\n')}\n`);
    const rows = await rowsOf(file);
    expect(rows.slice(1).map((row) => row.fields[1])).toEqual(values);
  });

  it('counts rows and bytes for a progress bar', async () => {
    const file = tempFile('orders.csv', 'a,b,c\n1,2,3\n4,5,6\n');
    const source = new CsvSource(file, 'a,b,c');
    for await (const batch of source.batches()) expect(batch.length).toBeGreaterThan(0);
    expect(source.rowsRead()).toBe(2);
    expect(source.progress()).toEqual({ bytesRead: 18, totalBytes: 18 });
  });

  it('rejects a row with the wrong number of fields, naming its line', async () => {
    const file = tempFile('orders.csv', 'a,b,c\n1,2,3\n"x\ny",2,3,4\n');
    const error = await errorOf(file);
    expect(error.message).toBe(`${file}:3: has 4 fields but the header has 3; a value containing a comma must be quoted`);
  });

  it('rejects a quote that is never closed, at the line where its record starts', async () => {
    const file = tempFile('orders.csv', 'a,b,c\n1,2,3\n4,"open,6\n7,8,9\n');
    const error = await errorOf(file);
    expect(error.where).toEqual({ file, line: 3, field: 'b' });
    expect(error.message).toMatch(/never closed/);
  });

  it('rejects text after a closing quote and a stray quote inside a value', async () => {
    expect((await errorOf(tempFile('a.csv', 'a,b,c\n1,"x"y,3\n'))).message).toMatch(/:2: b: a quoted value is followed by more text/);
    expect((await errorOf(tempFile('b.csv', 'a,b,c\n1,2,3\n1,2,x"y\n'))).message).toMatch(/:3: c: a quote appears inside an unquoted value/);
  });

  it('reports the first problem in the file even when later rows are already parsed', async () => {
    const rows = Array.from({ length: 5000 }, (_, i) => `${i},"v${i}",x`);
    rows[4000] = '1,"broken,x';
    const file = tempFile('orders.csv', `a,b,c\n${rows.join('\n')}\n`);
    expect((await errorOf(file)).where.line).toBe(4002);
  });

  it('rejects bytes that are not UTF-8, naming the line', async () => {
    const latin1 = Buffer.concat([Buffer.from('a,b,c\n1,2,3\n4,"M'), Buffer.from([0xfc]), Buffer.from('ller",6\n')]);
    const error = await errorOf(tempFile('latin1.csv', latin1));
    expect(error.where.line).toBe(3);
    expect(error.message).toMatch(/byte 0xFC is not UTF-8; save or export the file as UTF-8/);
    const far = Buffer.concat([Buffer.from(`a,b,c\n${'1,"2\n2",3\n'.repeat(20_000)}`), Buffer.from([0x41, 0xe9, 0x0a])]);
    expect((await errorOf(tempFile('far.csv', far))).where.line).toBe(40_002);
  });

  it('rejects a file that ends in the middle of a character', async () => {
    const truncated = Buffer.concat([Buffer.from('a,b,c\n1,2,'), Buffer.from('ü').subarray(0, 1)]);
    expect((await errorOf(tempFile('cut.csv', truncated))).where.line).toBe(2);
  });

  it('rejects an absurdly long value', async () => {
    const file = tempFile('long.csv', `a,b,c\n1,"${'x'.repeat(MAX_FIELD_CHARS + 1)}",3\n`);
    const error = await errorOf(file);
    expect(error.where).toEqual({ file, line: 2, field: 'b' });
    expect(error.message).toMatch(/65537 characters long; at most 65536/);
  });

  it('stops at an unclosed quote without reading the rest of a huge file into one value', async () => {
    const file = tempFile('open.csv', `a,b,c\n1,"open,3\n${'4,5,6\n'.repeat(400_000)}`);
    const error = await errorOf(file);
    expect(error.where.line).toBe(2);
    expect(error.message).toMatch(/longer than 1048576 characters; probably a quoted value here is never closed/);
  });

  it('refuses an empty file, or one holding only a BOM and blank lines, at line 1', async () => {
    for (const content of ['', '\uFEFF', '\n\r\n']) {
      const error = await errorOf(tempFile('empty.csv', content));
      expect(error.where).toEqual({ file: expect.any(String), line: 1 });
      expect(error.message).toMatch(/is empty; the first line must be the header: a,b,c/);
    }
  });

  it('says when the file cannot be read', async () => {
    const error = await errorOf('/nonexistent/orders.csv');
    expect(error.message).toBe('/nonexistent/orders.csv: no such file');
  });
});
