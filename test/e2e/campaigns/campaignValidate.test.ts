/**
 * `rekindle campaign validate FILE` through the built CLI: a campaign file is checked as it
 * loads (YAML, fields, templates that exist) and its emails are compiled as a send would, so a
 * marketer learns about a broken template before a launch, with the file, line and field.
 */
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { rekindle } from '../../support/cli';
import { testDatabaseUrlSync } from '../../support/testDatabase';

const ROOT = path.resolve(__dirname, '../../..');
const SHIPPED = path.join(ROOT, 'campaigns/nostalgia-winback.yaml');

describe('rekindle campaign validate', () => {
  let dir: string;
  let env: Record<string, string>;
  beforeAll(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'rekindle-validate-'));
    // A copy of the shipped views, so a test may add a template of its own.
    cpSync(path.join(ROOT, 'views'), path.join(dir, 'views'), { recursive: true });
    env = { VIEWS_DIR: path.join(dir, 'views'), DATABASE_URL: testDatabaseUrlSync(dir, 'unused.sqlite') };
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** The shipped win-back campaign with `edit` applied to its text, in a folder of its own (the name must match the file's). */
  const variant = (folder: string, edit: (yaml: string) => string): string => {
    mkdirSync(path.join(dir, folder));
    const file = path.join(dir, folder, 'nostalgia-winback.yaml');
    writeFileSync(file, edit(readFileSync(SHIPPED, 'utf8')));
    return file;
  };

  it('accepts both shipped campaigns, their emails compiled', () => {
    for (const name of ['nostalgia-winback', 'incident-apology']) {
      const result = rekindle(['campaign', 'validate', path.join(ROOT, 'campaigns', `${name}.yaml`), '--json'], env);
      expect(result.stderr).toBe('');
      expect(result.status).toBe(0);
      expect(result.json()).toEqual({ valid: true, name, kind: name === 'incident-apology' ? 'incident' : 'winback', steps: expect.any(Number) });
    }
  });

  it('names the file, line and field of a value out of range', () => {
    const file = variant('holdout', (y) => y.replace('holdout: 0.1', 'holdout: 1.5'));
    const line = readFileSync(file, 'utf8').split('\n').findIndex((l) => l.startsWith('holdout:')) + 1;
    const result = rekindle(['campaign', 'validate', file], env);
    expect(result.status).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(new RegExp(`^rekindle: ${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:${line}: holdout: `));
  });

  it('names a step whose template does not exist', () => {
    const file = variant('missing', (y) => y.replace('template: nostalgia-winback/1-we-miss-you', 'template: nostalgia-winback/1-no-such-email'));
    const result = rekindle(['campaign', 'validate', file], env);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('1-no-such-email');
  });

  it('refuses a step that mentions the offer after it has ended, naming the step and the days', () => {
    // The reminder moved from day 17 to day 22: the offer ends on day 21.
    const file = variant('late-reminder', (y) => y.replace('    delay: 10d\n', '    delay: 15d\n'));
    const line = readFileSync(file, 'utf8').split('\n').findIndex((l) => l.includes('template: nostalgia-winback/3-before-it-ends')) + 1;
    const result = rekindle(['campaign', 'validate', file], env);
    expect(result.status).toBe(1);
    expect(result.stderr).toBe(
      `rekindle: ${file}:${line}: steps[2]: step 3 (nostalgia-winback/3-before-it-ends) mentions the offer, but goes out 22 days after the launch ` +
        '(or up to 14 hours later, when the send window opens), and the offer ends 21 days after the launch (offers.expiresAfterDays); ' +
        'leave the offer out of this step, or set offers.expiresAfterDays to at least 23\n',
    );
    const longer = variant('longer-offer', (y) => y.replace('    delay: 10d\n', '    delay: 15d\n').replace('expiresAfterDays: 21', 'expiresAfterDays: 23'));
    expect(rekindle(['campaign', 'validate', longer], env).status).toBe(0);
  });

  /** Validates the win-back campaign with its first step's template replaced by `text` (an email body). */
  const withFirstEmail = (name: string, text: string) => {
    mkdirSync(path.join(dir, 'views/emails/broken'), { recursive: true });
    const template = path.join(dir, `views/emails/broken/${name}.mjml`);
    writeFileSync(template, `<mjml>\n  <mj-body>\n    <mj-section><mj-column>${text}</mj-column></mj-section>\n  </mj-body>\n</mjml>\n`);
    const file = variant(name, (y) => y.replace('template: nostalgia-winback/1-we-miss-you', `template: broken/${name}`));
    return { template, result: rekindle(['campaign', 'validate', file], env) };
  };

  it('compiles every email: a template using a field no recipient has fails, naming the template', () => {
    const { template, result } = withFirstEmail('hello', '<mj-text>Hello {{shoeSize}}</mj-text>');
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(template);
    expect(result.stderr).toContain('shoeSize');
  });

  it('compiles every email: invalid MJML fails, naming the template', () => {
    const { template, result } = withFirstEmail('unclosed', '<mj-texts>Hi</mj-texts>');
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(template);
    expect(result.stderr).toContain('MJML');
  });
});
