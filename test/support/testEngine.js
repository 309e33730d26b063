// The database engine the integration and end-to-end tests run on, read here only:
// REKINDLE_TEST_ENGINE=postgres puts each test on a PostgreSQL database of its own on
// REKINDLE_TEST_POSTGRES_URL's server (testDatabase.ts); unset or `sqlite`, on SQLite files.
// `npm test` runs test/integration and test/e2e once on each (scripts/testOnPostgres.js).

/** 'sqlite' or 'postgres'. */
function testEngine(env = process.env) {
  const engine = env.REKINDLE_TEST_ENGINE || 'sqlite';
  if (engine !== 'sqlite' && engine !== 'postgres') throw new Error(`REKINDLE_TEST_ENGINE=${engine}: expected sqlite or postgres`);
  if (engine === 'postgres' && !env.REKINDLE_TEST_POSTGRES_URL) throw new Error('REKINDLE_TEST_ENGINE=postgres needs REKINDLE_TEST_POSTGRES_URL naming a server and a database to connect to');
  return engine;
}

/**
 * Test files that run on SQLite only, each with why. Everything else under test/integration and
 * test/e2e runs on both engines; jest.config.js leaves these out of the PostgreSQL pass.
 */
const SQLITE_ONLY = [
  {
    file: 'test/e2e/backup.test.ts',
    reason: '`rekindle backup` is SQLite\'s online backup (VACUUM INTO) of the file, while another connection writes; on PostgreSQL the backup is pg_dump (docs/operations.md), not a rekindle command',
  },
  {
    file: 'test/integration/bulkImport.test.ts',
    reason: 'SQLite\'s bulk path: deferred indexes rebuilt from sqlite_master and foreign keys off then on (PRAGMA); its PostgreSQL counterpart is test/postgres/bulkImport.test.ts (COPY)',
  },
  {
    file: 'test/e2e/campaigns/workers.test.ts',
    reason: 'four workers sharing one SQLite file through its busy timeout; the PostgreSQL fleet (20,000 sends) is test/postgres/workers.test.ts',
  },
  {
    file: 'test/integration/db/stampedMemo.test.ts',
    reason: 'runs on both engines itself in the first pass (its PostgreSQL case when REKINDLE_TEST_POSTGRES_URL is set), against SQLite\'s data_version and PostgreSQL\'s snapshot side by side',
  },
  {
    file: 'test/e2e/faults/sqliteBusy.test.ts',
    reason: 'SQLite\'s write lock and busy timeout, held through a second connection to the file; PostgreSQL has neither (its counterpart is test/e2e/faults/postgresRestart.test.ts, which runs in the first pass)',
  },
  {
    file: 'test/e2e/scoring/storeThread.test.ts',
    reason: 'compares the scores stored inline and by the statement thread with SQLite SQL in a child script (`?`, `IS`); the scores stored on PostgreSQL are checked by test/postgres/scores.test.ts in the first pass',
  },
  {
    file: 'test/e2e/faults/killedDispatch.test.ts',
    reason: 'runs on both engines itself in the first pass (its PostgreSQL trials when REKINDLE_TEST_POSTGRES_URL is set)',
  },
];

/**
 * Test files not yet green on PostgreSQL, each with how it fails there: left out of the PostgreSQL
 * pass (named at its end) until fixed, so the run stays green. Remove an entry once it passes.
 */
const NOT_YET_ON_POSTGRES = [
];

module.exports = { testEngine, SQLITE_ONLY, NOT_YET_ON_POSTGRES };
