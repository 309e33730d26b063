import { MigrationInterface, QueryRunner } from 'typeorm';
import { TIMESTAMP_COLUMNS } from '../columns';

/**
 * On PostgreSQL every timestamp becomes a real `timestamptz` (issue 15): the server checks what
 * goes in, compares and sorts instants rather than texts, and its own tools (date arithmetic,
 * `pg_dump`, BI clients) read them as times. Values keep their meaning: the ISO 8601 UTC texts
 * convert exactly, and the pg driver hands them back as the same texts (see dataSource.ts), so
 * the code above the database reads the same strings on both engines. SQLite has no timestamp
 * type; its columns stay ISO texts, which sort as times.
 */

export class PostgresTimestamps1732409000000 implements MigrationInterface {
  name = 'PostgresTimestamps1732409000000';

  async up(q: QueryRunner): Promise<void> {
    if (q.connection.options.type !== 'postgres') return;
    // One statement per table: PostgreSQL rewrites the table (and its indexes) once.
    for (const [table, columns] of Object.entries(TIMESTAMP_COLUMNS)) {
      await q.query(`ALTER TABLE ${table} ${columns.map((c) => `ALTER COLUMN ${c} TYPE timestamptz USING ${c}::timestamptz`).join(', ')}`);
    }
  }

  async down(q: QueryRunner): Promise<void> {
    if (q.connection.options.type !== 'postgres') return;
    for (const [table, columns] of Object.entries(TIMESTAMP_COLUMNS)) {
      await q.query(`ALTER TABLE ${table} ${columns.map((c) => `ALTER COLUMN ${c} TYPE varchar(24) USING to_char(${c} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`).join(', ')}`);
    }
  }
}
