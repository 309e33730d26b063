import { Client } from 'pg';

/**
 * A PostgreSQL database of the test's own beside REKINDLE_TEST_POSTGRES_URL's, created empty,
 * so the test runs beside the others; `drop` removes it.
 */
export async function ownPostgresDatabase(name: string): Promise<{ url: string; drop: () => Promise<void> }> {
  const base = process.env.REKINDLE_TEST_POSTGRES_URL as string;
  const admin = async (sql: string) => {
    const client = new Client({ connectionString: base });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };
  await admin(`DROP DATABASE IF EXISTS ${name}`);
  await admin(`CREATE DATABASE ${name}`);
  const url = new URL(base);
  url.pathname = `/${name}`;
  return { url: url.toString(), drop: () => admin(`DROP DATABASE IF EXISTS ${name}`) };
}
