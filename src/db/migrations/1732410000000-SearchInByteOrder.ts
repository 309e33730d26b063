import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The console's customer search is a prefix match written as an index range, `>= 'ann' AND <
 * 'ann' || U+10FFFF`, which holds only where text sorts by its bytes. SQLite's BINARY collation
 * does; a PostgreSQL database created with a linguistic collation (glibc's en_US.UTF-8, the default
 * of many installations) does not: there it matched only the exact text "ann". So on PostgreSQL the
 * email column sorts in byte order ("C": emails are stored lower-cased, so equality is unchanged)
 * and the name indexes hold `lower(name) COLLATE "C"`, lower-cased with the database's own case
 * rules (Å to å, which "C" would not do) and then ordered by bytes.
 */
export class SearchInByteOrder1732410000000 implements MigrationInterface {
  name = 'SearchInByteOrder1732410000000';

  async up(q: QueryRunner): Promise<void> {
    if (q.connection.options.type !== 'postgres') return;
    await q.query('ALTER TABLE customers ALTER COLUMN email TYPE varchar(320) COLLATE "C"');
    for (const column of ['first_name', 'last_name']) {
      await q.query(`DROP INDEX customers_${column}_lower`);
      await q.query(`CREATE INDEX customers_${column}_lower ON customers ((lower(${column}) COLLATE "C"))`);
    }
  }

  async down(q: QueryRunner): Promise<void> {
    if (q.connection.options.type !== 'postgres') return;
    for (const column of ['first_name', 'last_name']) {
      await q.query(`DROP INDEX customers_${column}_lower`);
      await q.query(`CREATE INDEX customers_${column}_lower ON customers (lower(${column}))`);
    }
    await q.query('ALTER TABLE customers ALTER COLUMN email TYPE varchar(320) COLLATE "default"');
  }
}
