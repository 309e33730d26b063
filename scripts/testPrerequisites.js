// What `npm test` can reach on this machine: Debian's chromium for the browser walk, a
// PostgreSQL server for the PostgreSQL suite. Locally, a missing one leaves its tests out and
// the run ends with a line saying so and what to install; under CI (CI=true, as .ci/run sets)
// the browser tests are never left out, so a missing chromium fails them.
const fs = require('fs');

const CHROMIUM = '/usr/bin/chromium';

const SUITES = {
  browser: {
    folder: 'test/e2e/browser/',
    skipped: `skipped the browser tests (test/e2e/browser/): ${CHROMIUM} is missing; install Debian's chromium package to run them: sudo apt-get install -y chromium`,
  },
  postgres: {
    folder: 'test/postgres/',
    skipped: 'skipped the PostgreSQL tests (test/postgres/): set REKINDLE_TEST_POSTGRES_URL=postgres://USER:PASSWORD@HOST/DB naming an empty database to run them (.ci/run starts one)',
  },
};

/** `{ ignore, skipped }`: jest path patterns to leave out, and the line to print for each. */
function testPrerequisites(env = process.env, exists = fs.existsSync) {
  const ci = Boolean(env.CI) && env.CI !== 'false' && env.CI !== '0';
  const left = [];
  if (!ci && !exists(CHROMIUM)) left.push(SUITES.browser);
  if (!env.REKINDLE_TEST_POSTGRES_URL) left.push(SUITES.postgres);
  return {
    ignore: left.map((suite) => `<rootDir>/${suite.folder}`),
    skipped: left.map((suite) => ({ folder: suite.folder, message: suite.skipped })),
  };
}

module.exports = { testPrerequisites, CHROMIUM };
