const { testPrerequisites } = require('./scripts/testPrerequisites');
const { testEngine, SQLITE_ONLY } = require('./test/support/testEngine');

// Suites whose prerequisite (chromium, a PostgreSQL server) is missing here are left out, and the
// run says so at its end; under CI the browser tests always run (.ci/run installs both).
const prerequisites = testPrerequisites();
// On PostgreSQL (REKINDLE_TEST_ENGINE=postgres), the files that are about SQLite itself stay out,
// named at the run's end with why.
const sqliteOnly = testEngine() === 'postgres' ? SQLITE_ONLY : [];

/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: '<rootDir>/test/support/testEnvironment.js',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/', ...prerequisites.ignore, ...sqliteOnly.map((entry) => `<rootDir>/${entry.file}$`)],
  reporters: [
    'default',
    ['<rootDir>/scripts/skippedTestsReporter.js', { skipped: [...prerequisites.skipped, ...sqliteOnly.map((entry) => ({ folder: entry.file, message: `SQLite only: ${entry.file}: ${entry.reason}` }))] }],
  ],
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }] },
  testTimeout: 30000,
};
