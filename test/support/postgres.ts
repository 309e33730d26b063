import { Client } from 'pg';

/** Empties the database the URL names (the PostgreSQL suite's REKINDLE_TEST_POSTGRES_URL): a fresh schema for the migrations. */
export async function emptyDatabase(url: string): Promise<void> {
  const client = new Client({ connectionString: url });
  await client.connect();
  await client.query('DROP SCHEMA public CASCADE; CREATE SCHEMA public;');
  await client.end();
}
