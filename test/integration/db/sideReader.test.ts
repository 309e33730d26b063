/**
 * The second, read-only SQLite connection the purchase log reads half its pages through
 * (src/db/sideReader.ts): it reads the same file, sees what the main connection committed and
 * not what a write transaction there has not, refuses to write, and is not opened where it
 * cannot be (an in-memory database).
 */
import { openSideReader } from '../../../src/db/sideReader';
import { testServices, TestServices } from '../../support/services';

const insertBatch = "INSERT INTO import_batches (source, status, started_at) VALUES ('test', 'committed', '2025-01-01T00:00:00.000Z')";
const count = 'SELECT COUNT(*) AS n FROM import_batches';

describe('the side reader on a SQLite file', () => {
  let s: TestServices;
  beforeAll(async () => {
    s = await testServices();
  });
  afterAll(() => s.dispose());

  it('sees committed rows, not a write transaction still open on the main connection, and cannot write', async () => {
    const side = await openSideReader(s.db);
    if (s.db.dialect.kind !== 'sqlite') return expect(side).toBeNull();
    if (side === null) throw new Error('no side reader on a SQLite file');
    try {
      await s.db.write((tx) => tx.query(insertBatch));
      expect(await side.query(count, [])).toEqual([{ n: 1 }]);
      let seenInside: unknown;
      await s.db.write(async (tx) => {
        await tx.query(insertBatch);
        seenInside = await side.query(count, []);
      });
      expect(seenInside).toEqual([{ n: 1 }]);
      expect(await side.query(count, [])).toEqual([{ n: 2 }]);
      await expect(side.query(insertBatch, [])).rejects.toThrow(/readonly/);
    } finally {
      await side.close();
    }
  });
});

describe('the side reader where there is no file', () => {
  let s: TestServices;
  beforeAll(async () => {
    s = await testServices({ DATABASE_URL: 'sqlite::memory:' });
  });
  afterAll(() => s.dispose());

  it('is not opened for an in-memory database (a second connection would see another, empty database)', async () => {
    expect(await openSideReader(s.db)).toBeNull();
  });
});
