/**
 * `npm test` on a machine without chromium or PostgreSQL: their suites are left out locally and
 * the run says so and what to install; under CI the browser tests are never left out.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';

const { testPrerequisites, CHROMIUM } = require('../../scripts/testPrerequisites');
const SkippedTestsReporter = require('../../scripts/skippedTestsReporter');

const ROOT = path.resolve(__dirname, '../..');
const missing = () => false;
const present = () => true;

describe('test prerequisites', () => {
  it('locally, leaves out the browser tests without chromium, naming the package to install', () => {
    const p = testPrerequisites({ REKINDLE_TEST_POSTGRES_URL: 'postgres://x@127.0.0.1/t' }, missing);
    expect(p.ignore).toEqual(['<rootDir>/test/e2e/browser/']);
    expect(p.skipped.map((s: { message: string }) => s.message)).toEqual([
      `skipped the browser tests (test/e2e/browser/): ${CHROMIUM} is missing; install Debian's chromium package to run them: sudo apt-get install -y chromium`,
    ]);
  });

  it('under CI never leaves the browser tests out, so a missing chromium fails them', () => {
    for (const CI of ['true', '1']) {
      expect(testPrerequisites({ CI, REKINDLE_TEST_POSTGRES_URL: 'postgres://x@127.0.0.1/t' }, missing).ignore).toEqual([]);
    }
    expect(testPrerequisites({ CI: 'false', REKINDLE_TEST_POSTGRES_URL: 'postgres://x@127.0.0.1/t' }, missing).ignore).toEqual(['<rootDir>/test/e2e/browser/']);
  });

  it('leaves out the PostgreSQL tests without REKINDLE_TEST_POSTGRES_URL, saying how to run them', () => {
    const p = testPrerequisites({}, present);
    expect(p.ignore).toEqual(['<rootDir>/test/postgres/']);
    expect(p.skipped[0].message).toMatch(/^skipped the PostgreSQL tests \(test\/postgres\/\): set REKINDLE_TEST_POSTGRES_URL=postgres:/);
    expect(testPrerequisites({ REKINDLE_TEST_POSTGRES_URL: 'postgres://x@127.0.0.1/t' }, present)).toEqual({ ignore: [], skipped: [] });
  });

  it('the reporter prints the skipped suites at the end, unless the run was narrowed to other files', () => {
    const skipped = testPrerequisites({}, missing).skipped;
    const printed = (testPathPattern: string) => {
      let text = '';
      const reporter = new SkippedTestsReporter({ testPathPattern }, { skipped });
      reporter.write = (t: string) => (text += t);
      reporter.onRunComplete();
      return text;
    };
    expect(printed('')).toBe(`\nNot run on this machine:\n  ${skipped[0].message}\n  ${skipped[1].message}\n`);
    expect(printed('test/unit/cli')).toBe('');
    expect(printed('test/postgres')).toBe(`\nNot run on this machine:\n  ${skipped[1].message}\n`);
  });

  it('a real jest run without a PostgreSQL URL says that the PostgreSQL tests were skipped', () => {
    const env = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '' };
    const run = spawnSync(process.execPath, [path.join(ROOT, 'node_modules/jest/bin/jest.js'), '--ci', 'test/postgres', 'test/unit/cli'], { cwd: ROOT, env, encoding: 'utf8', timeout: 120_000 });
    expect(run.status).toBe(0);
    expect(run.stderr).toContain('Not run on this machine:\n  skipped the PostgreSQL tests (test/postgres/): set REKINDLE_TEST_POSTGRES_URL=');
  });
});
