import { csvCell, csvLine } from '../../../src/export/csv';

describe('csvCell', () => {
  it.each(['=1+2@example.com', '+49 30 1234', '-cmd', '@SUM(A1)', '\tx', '\rx'])('escapes the formula-like text %j', (text) => {
    const cell = csvCell(text);
    expect(cell.startsWith(`"'`)).toBe(true);
    expect(cell.slice(2, -1).replace(/""/g, '"')).toBe(text);
  });

  it.each([['-12.40'], ['-3'], ['1e-5'], ['42.10']])('keeps the number %s a number', (text) => {
    expect(csvCell(text)).toBe(text);
  });

  it('quotes commas, quotes and line breaks, and leaves plain text alone', () => {
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('two\nlines')).toBe('"two\nlines"');
    expect(csvCell('maria@example.com')).toBe('maria@example.com');
  });

  it('writes numbers, booleans and empty values', () => {
    expect(csvLine([-1.5, 0, true, null, undefined, 'x'])).toBe('-1.5,0,true,,,x');
  });
});
