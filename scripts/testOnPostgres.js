// The second pass of `npm test`: test/integration and test/e2e again, each test on a PostgreSQL
// database of its own (REKINDLE_TEST_ENGINE=postgres, test/support/testEngine.js), on the server
// REKINDLE_TEST_POSTGRES_URL names (.ci/run starts one). Without it, says so and passes.
const { spawnSync } = require('child_process');
const path = require('path');

if (!process.env.REKINDLE_TEST_POSTGRES_URL) {
  process.stderr.write(
    '\nNot run on this machine: test/integration and test/e2e on PostgreSQL; set REKINDLE_TEST_POSTGRES_URL=postgres://USER:PASSWORD@HOST/DB (.ci/run starts one) to run them there too\n',
  );
  process.exit(0);
}
const jest = require.resolve('jest/bin/jest');
const started = Date.now();
process.stderr.write('\nNow test/integration and test/e2e on PostgreSQL (REKINDLE_TEST_ENGINE=postgres)\n');
const run = spawnSync(process.execPath, [jest, 'test/integration', 'test/e2e', ...process.argv.slice(2)], {
  cwd: path.resolve(__dirname, '..'),
  env: { ...process.env, REKINDLE_TEST_ENGINE: 'postgres' },
  stdio: 'inherit',
});
process.stderr.write(`PostgreSQL pass: ${((Date.now() - started) / 1000).toFixed(0)} s\n`);
process.exit(run.status ?? 1);
