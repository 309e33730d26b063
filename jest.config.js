/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  // The PostgreSQL suite needs a server: .ci/run starts one and sets the variable.
  testPathIgnorePatterns: process.env.REKINDLE_TEST_POSTGRES_URL ? ['/node_modules/'] : ['/node_modules/', '<rootDir>/test/postgres/'],
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }] },
  testTimeout: 30000,
};
