const { testPrerequisites } = require('./scripts/testPrerequisites');
const { testEngine, SQLITE_ONLY, NOT_YET_ON_POSTGRES } = require('./test/support/testEngine');

// Suites whose prerequisite (chromium, a PostgreSQL server) is missing here are left out, and the
// run says so at its end; under CI the browser tests always run (.ci/run installs both).
const prerequisites = testPrerequisites();
// On PostgreSQL (REKINDLE_TEST_ENGINE=postgres), the files about SQLite itself and those not yet
// green there stay out, named at the run's end with why (test/support/testEngine.js).
const onPostgres = testEngine() === 'postgres';
const leftOut = onPostgres ? [
  ...SQLITE_ONLY.map((entry) => ({ file: entry.file, message: `SQLite only: ${entry.file}: ${entry.reason}` })),
  ...NOT_YET_ON_POSTGRES.map((entry) => ({ file: entry.file, message: `not yet on PostgreSQL: ${entry.file}: ${entry.failure}` })),
] : [];

/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: '<rootDir>/test/support/testEnvironment.js',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/', ...prerequisites.ignore, ...leftOut.map((entry) => `<rootDir>/${entry.file}$`)],
  reporters: [
    'default',
    ['<rootDir>/scripts/skippedTestsReporter.js', { skipped: [...prerequisites.skipped, ...leftOut.map((entry) => ({ folder: entry.file, message: entry.message }))] }],
  ],
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }] },
  testTimeout: 30000,
};
