/**
 * A campaign name on the command line is a plain name, looked up only inside CAMPAIGNS_DIR:
 * a path that climbs out of it loads nothing and echoes nothing of the file it points at.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { rekindle } from '../../support/cli';
import { testDatabaseUrlSync } from '../../support/testDatabase';

describe('campaign names', () => {
  let dir: string;
  let env: Record<string, string>;
  let climb: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'rekindle-names-'));
    const campaignsDir = path.join(dir, 'shop', 'campaigns');
    mkdirSync(campaignsDir, { recursive: true });
    // Outside CAMPAIGNS_DIR: a file whose values must never be read back to whoever typed the name.
    mkdirSync(path.join(dir, 'elsewhere'));
    writeFileSync(path.join(dir, 'elsewhere', 'evil.json'), JSON.stringify({ name: 'secret-token-4711', holdout: 'hunter2' }));
    climb = path.relative(campaignsDir, path.join(dir, 'elsewhere', 'evil'));
    env = { CAMPAIGNS_DIR: campaignsDir, DATABASE_URL: testDatabaseUrlSync(dir, 'shop.sqlite'), SECRET_KEY: 'test-signing-key-0123456789abcdef0123456789' };
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it.each([['preview'], ['launch']])('campaign %s refuses a name that is a path, and reads nothing outside CAMPAIGNS_DIR', (command) => {
    expect(climb).toMatch(/^\.\.\//);
    const run = rekindle(['campaign', command, climb, '--json'], env);
    expect(run.status).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).not.toMatch(/secret-token|hunter2|evil\.json/);
    expect(run.stderr).toMatch(/^rekindle: campaign: ".*" is not a campaign name; a name is lower-case letters, digits and dashes/);
  });

  it('refuses upper case, dots and slashes, even when such a file exists inside the folder', () => {
    writeFileSync(path.join(env.CAMPAIGNS_DIR, 'Odd.Name.json'), JSON.stringify({ name: 'odd' }));
    const run = rekindle(['campaign', 'preview', 'Odd.Name', '--json'], env);
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('is not a campaign name');
  });
});
