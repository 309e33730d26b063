const { testPrerequisites } = require('./scripts/testPrerequisites');

// Suites whose prerequisite (chromium, a PostgreSQL server) is missing here are left out, and the
// run says so at its end; under CI the browser tests always run (.ci/run installs both).
const prerequisites = testPrerequisites();

/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/', ...prerequisites.ignore],
  reporters: ['default', ['<rootDir>/scripts/skippedTestsReporter.js', { skipped: prerequisites.skipped }]],
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }] },
  testTimeout: 30000,
};
