/**
 * Four `rekindle worker` processes on PostgreSQL, 20,000 sends, two workers killed with SIGKILL
 * mid-run: every send exactly once, none lost (test/support/workerFleet.ts).
 */
import { emptyDatabase } from '../support/postgres';
import { fleetTest } from '../support/workerFleet';

const url = process.env.REKINDLE_TEST_POSTGRES_URL as string;

describe('four workers on PostgreSQL, two killed mid-run', () => {
  fleetTest('postgres', { customers: 20_000, settings: { DATABASE_URL: url }, prepare: () => emptyDatabase(url) });
});
