/**
 * Answers kept until the database changes (src/db/stampedMemo.ts), on SQLite and, when
 * REKINDLE_TEST_POSTGRES_URL is set, PostgreSQL: whatever writes, through whichever path, the
 * next answer is computed again, and nothing read inside a write that is then rolled back is kept.
 */
import pino from 'pino';
import { parseSettings } from '../../../src/config';
import { wire } from '../../../src/wiring';
import { dropPostgresDatabase, freshPostgresDatabase, POSTGRES_URL } from '../../support/postgresDatabase';
import { testServices, TestServices } from '../../support/services';

const PG_DATABASE = 'rekindle_test_memo';

const engines: [string, () => Promise<TestServices>][] = [['SQLite', () => testServices()]];
if (POSTGRES_URL) engines.push(['PostgreSQL', async () => testServices({ DATABASE_URL: await freshPostgresDatabase(PG_DATABASE) })]);

const insertBatch = "INSERT INTO import_batches (source, status, started_at) VALUES ('test', 'committed', '2025-01-01T00:00:00.000Z')";

describe.each(engines)('answers kept until the database changes, on %s', (engine, open) => {
  let s: TestServices;
  let computed: number;
  const batches = async () => {
    computed++;
    const [row] = await s.db.reader.query('SELECT CAST(COUNT(*) AS INTEGER) AS n FROM import_batches');
    return Number(row.n);
  };

  /**
   * PostgreSQL's stamp is the server's snapshot, which any write anywhere on the server moves
   * (other tests' databases in CI included): there an answer may be computed more often than
   * asked, never less. So the counts are exact on SQLite and lower bounds on PostgreSQL, where
   * keeping is checked by the quiet-window test below; the answers read are exact on both.
   */
  const expectComputed = (n: number) => (engine === 'SQLite' ? expect(computed).toBe(n) : expect(computed).toBeGreaterThanOrEqual(n));

  beforeEach(async () => {
    s = await open();
    computed = 0;
  });
  afterEach(async () => {
    await s.dispose();
    if (engine === 'PostgreSQL') await dropPostgresDatabase(PG_DATABASE);
  });

  it('reads a kept answer until a write, then computes again', async () => {
    const memo = s.db.memo<number>('test', 4);
    expect(await memo.get('k', batches)).toBe(0);
    expect(await memo.get('k', batches)).toBe(0);
    expectComputed(1);
    await s.db.write((tx) => tx.query(insertBatch));
    expect(await memo.get('k', batches)).toBe(1);
    expect(await memo.get('k', batches)).toBe(1);
    expectComputed(2);
  });

  it('computes again after a write through the hot path', async () => {
    const memo = s.db.memo<number>('test', 4);
    await memo.get('k', batches);
    await s.db.hot.writeOne(insertBatch, []);
    expect(await memo.get('k', batches)).toBe(1);
    expectComputed(2);
  });

  it("computes again after another connection's commit (another process, say)", async () => {
    const memo = s.db.memo<number>('test', 4);
    await memo.get('k', batches);
    const database = s.config.database;
    const url = database.kind === 'postgres' ? database.url : `sqlite:${database.path}`;
    const other = await wire(parseSettings({ DATABASE_URL: url, SHOP_CURRENCY: 'EUR' }), { logger: pino({ level: 'silent' }) });
    try {
      await other.db.write((tx) => tx.query(insertBatch));
    } finally {
      await other.close();
    }
    expect(await memo.get('k', batches)).toBe(1);
    expectComputed(2);
  });

  it('never keeps what was read inside a write that is then rolled back', async () => {
    const memo = s.db.memo<number>('test', 4);
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let inserted!: () => void;
    const insertedYet = new Promise<void>((resolve) => (inserted = resolve));
    const failing = s.db.write(async (tx) => {
      await tx.query(insertBatch);
      inserted();
      await gate;
      throw new Error('the import failed');
    });
    await insertedYet;
    // On SQLite's one connection this read sees the open transaction's row; on PostgreSQL it does not.
    await memo.get('k', batches);
    release();
    await expect(failing).rejects.toThrow('the import failed');
    expect(await memo.get('k', batches)).toBe(0);
    expect(await memo.get('k', batches)).toBe(0);
  });

  it('does not keep an answer when the database changed while it was computed', async () => {
    const memo = s.db.memo<number>('test', 4);
    const racing = async () => {
      const n = await batches();
      await s.db.write((tx) => tx.query(insertBatch));
      return n;
    };
    expect(await memo.get('k', racing)).toBe(0);
    expect(await memo.get('k', batches)).toBe(1);
    expectComputed(2);
  });

  it('keeps no failure, and drops the least recently read answer beyond its capacity', async () => {
    const memo = s.db.memo<number>('test', 2);
    await expect(memo.get('k', async () => Promise.reject(new Error('no such run')))).rejects.toThrow('no such run');
    expect(memo.size).toBe(0);
    await memo.get('a', batches);
    await memo.get('b', batches);
    await memo.get('a', batches);
    await memo.get('c', batches);
    expectComputed(3);
    await memo.get('a', batches);
    expectComputed(3);
    await memo.get('b', batches);
    expectComputed(4);
  });

  it('keeps an answer while nothing on the server writes (within a few tries on a shared server)', async () => {
    const memo = s.db.memo<number>('test', 4);
    let kept = false;
    for (let tries = 0; tries < 50 && !kept; tries++) {
      await memo.get('k', batches);
      const before = computed;
      await memo.get('k', batches);
      kept = computed === before;
    }
    expect(kept).toBe(true);
  });

  it('shares one computation between requests arriving together', async () => {
    const memo = s.db.memo<number>('test', 4);
    expect(await Promise.all([memo.get('k', batches), memo.get('k', batches), memo.get('k', batches)])).toEqual([0, 0, 0]);
    expectComputed(1);
  });
});
