/** Column shapes shared by the hand-written migrations (Table API, the same on SQLite and PostgreSQL). */
export const id = { name: 'id', type: 'integer', isPrimary: true, isGenerated: true, generationStrategy: 'increment' as const };
/** ISO 8601 UTC timestamps, as in src/db/columns.ts. */
export const ts = (name: string, nullable = false) => ({ name, type: 'varchar', length: '24', isNullable: nullable });
export const int = (name: string, nullable = false) => ({ name, type: 'integer', isNullable: nullable });
/** Integer minor units. */
export const money = (name: string, nullable = false) => ({ name, type: 'bigint', isNullable: nullable });
export const float = (name: string) => ({ name, type: 'double precision' });
export const text = (name: string, nullable = true) => ({ name, type: 'text', isNullable: nullable });
export const str = (name: string, length: number, nullable = false) => ({ name, type: 'varchar', length: String(length), isNullable: nullable });
export const ref = (column: string, table: string) => ({ columnNames: [column], referencedTableName: table, referencedColumnNames: ['id'] });
