// jest's node environment, plus: PostgreSQL databases a test file made (testDatabase.ts records
// their names on the test's global) and did not drop are dropped once the file is done, after
// its own afterAll hooks, so a CLI test that only builds an environment leaves nothing behind.
const { TestEnvironment } = require('jest-environment-node');
const { Client } = require('pg');

class RekindleTestEnvironment extends TestEnvironment {
  async setup() {
    await super.setup();
    this.global.__rekindleTestDatabases = new Set();
  }

  async teardown() {
    const left = [...(this.global.__rekindleTestDatabases || [])];
    if (left.length) {
      const client = new Client({ connectionString: process.env.REKINDLE_TEST_POSTGRES_URL });
      await client.connect();
      try {
        for (const name of left) await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await client.end();
      }
    }
    await super.teardown();
  }
}

module.exports = RekindleTestEnvironment;
