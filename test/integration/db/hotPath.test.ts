import { rmSync } from 'node:fs';
import { anOffer, NOW } from '../../support/campaignFixtures';
import { testServices, TestServices } from '../../support/services';

describe('the hot path\'s kept statements (issue 16)', () => {
  let s: TestServices;

  beforeEach(async () => {
    s = await testServices({}, () => NOW);
  });
  // The last test closes the database itself.
  afterEach(() => (s.db.dataSource.isInitialized ? s.dispose() : rmSync(s.dir, { recursive: true, force: true })));

  const countEvents = async () => Number((await s.db.reader.query("SELECT CAST(COUNT(*) AS INTEGER) AS n FROM events WHERE type = 'landing'"))[0].n);
  const insertView = "INSERT INTO events (type, customer_id, run_id, send_id, at, data) VALUES ('landing', NULL, NULL, NULL, $1, NULL)";

  it('reads through one statement prepared once, and sees what TypeORM wrote', async () => {
    const offer = await anOffer(s.db);
    const read = () => s.db.hot.rows<{ customer_id: number }>('SELECT customer_id FROM sends WHERE id = $1', [offer.sendId]);
    const results = await Promise.all(Array.from({ length: 50 }, read));
    expect(results.every((rows) => rows.length === 1 && Number(rows[0].customer_id) === offer.customerId)).toBe(true);
  });

  it('writes one statement whole or not at all, and returns what RETURNING names', async () => {
    const pg = s.db.dialect.kind === 'postgres';
    const values = pg ? 'json_array_elements_text($1::json) AS value' : 'json_each($1)';
    const many = `INSERT INTO events (type, customer_id, run_id, send_id, at, data) SELECT 'landing', NULL, NULL, NULL, ${pg ? 'value::timestamptz' : 'value'}, NULL FROM ${values} RETURNING at`;
    const at = [NOW.toISOString(), NOW.toISOString()];
    expect(await s.db.hot.writeRows(many, [JSON.stringify(at)])).toEqual(at.map((a) => ({ at: a })));
    expect(await s.db.hot.writeOne(insertView, [NOW.toISOString()])).toBe(1);
    expect(await countEvents()).toBe(3);
    // The second row breaks the NOT NULL on `at`: the first does not stay behind.
    await expect(s.db.hot.writeOne(many, [JSON.stringify([NOW.toISOString(), null])])).rejects.toMatchObject({ name: 'QueryFailedError' });
    expect(await countEvents()).toBe(3);
  });

  it('on PostgreSQL, sends a write as its one statement: no BEGIN and COMMIT around it', async () => {
    if (s.db.dialect.kind !== 'postgres') return; // SQLite's are the kept statements above, on the write queue
    const { Client } = await import('pg');
    const query = Client.prototype.query;
    const sent: string[] = [];
    Client.prototype.query = function (this: unknown, ...args: unknown[]) {
      const text = typeof args[0] === 'string' ? args[0] : (args[0] as { text?: string })?.text;
      if (text) sent.push(text.trim().split(/\s+/)[0].toUpperCase());
      return (query as (...a: unknown[]) => unknown).apply(this, args);
    } as typeof query;
    try {
      expect(await s.db.hot.writeOne(insertView, [NOW.toISOString()])).toBe(1);
      expect(await s.db.hot.writeRows(`${insertView} RETURNING at`, [NOW.toISOString()])).toEqual([{ at: NOW.toISOString() }]);
    } finally {
      Client.prototype.query = query;
    }
    // A single statement is atomic on its own, at READ COMMITTED like the transaction was: the two
    // extra round trips only cost time on the customer's hot path.
    expect(sent).toEqual(['INSERT', 'INSERT']);
  });

  it('takes its turn with TypeORM\'s transactions on the one write queue: none of them interleave', async () => {
    const jobs = Array.from({ length: 40 }, (_, i) =>
      i % 2
        ? s.db.hot.writeOne(insertView, [NOW.toISOString()])
        : s.db.write((tx) => tx.query(insertView, [NOW.toISOString()])),
    );
    await Promise.all(jobs);
    expect(await countEvents()).toBe(40);
  });

  it('fails like TypeORM does (a QueryFailedError naming the SQL) and keeps no broken statement', async () => {
    await expect(s.db.hot.rows('SELECT x FROM later_table', [])).rejects.toMatchObject({ name: 'QueryFailedError', query: 'SELECT x FROM later_table' });
    await s.db.write((tx) => tx.query('CREATE TABLE later_table (x INTEGER)'));
    expect(await s.db.hot.rows('SELECT x FROM later_table', [])).toEqual([]);
  });

  it('closes the database with statements kept: they are finalized first', async () => {
    await s.db.hot.rows('SELECT 1 AS one', []);
    await s.db.hot.writeOne(insertView, [NOW.toISOString()]);
    await expect(s.db.close()).resolves.toBeUndefined();
    expect(s.db.dataSource.isInitialized).toBe(false);
  });
});
