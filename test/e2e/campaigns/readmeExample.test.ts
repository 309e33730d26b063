/**
 * The README's step-by-step campaign on the CDNOW sample, run verbatim: its commands are read out
 * of README.md ("Campaigns", the first sh block) and run through the built CLI in a fresh folder,
 * so the README and this test cannot drift apart. Each `dispatch` commented "# step N" must send
 * step N to everyone due it, at the time the preview said.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { simpleParser } from 'mailparser';
import { CliResult, rekindle } from '../../support/cli';
import { readmeCommands, ROOT, shellWords } from '../../support/readme';
import { defaultDatabaseEnv } from '../../support/testDatabase';

describe('the README\'s CDNOW campaign, run as written', () => {
  let dir: string;
  let env: Record<string, string> = {};
  const ran: { args: string[]; comment: string; result: CliResult }[] = [];
  let listed: string[] = [];

  beforeAll(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'rekindle-readme-'));
    // The README runs from the project folder; the sample is its only input.
    symlinkSync(path.join(ROOT, 'samples'), path.join(dir, 'samples'));
    env = defaultDatabaseEnv(dir);
    for (const line of readmeCommands('Campaigns')) {
      const { words, comment } = shellWords(line);
      if (words[0] === 'export') {
        for (const pair of words.slice(1)) env[pair.slice(0, pair.indexOf('='))] = pair.slice(pair.indexOf('=') + 1);
      } else if (words.slice(0, 4).join(' ') === 'npm run -s rekindle' && words[4] === '--') {
        const args = words.slice(5);
        ran.push({ args, comment, result: rekindle(args, env, dir) });
      } else if (words[0] === 'ls' && words.length === 2) {
        listed = readdirSync(path.join(dir, words[1]));
      } else {
        throw new Error(`the README's example runs a command this test does not know how to run: ${line}`);
      }
    }
  }, 300_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const dispatches = () => ran.filter((r) => r.args[0] === 'dispatch');
  const nowOf = (args: string[]) => args[args.indexOf('--now') + 1];

  it('runs every command successfully', () => {
    expect(ran.length).toBeGreaterThanOrEqual(8);
    for (const r of ran) expect({ args: r.args, status: r.result.status, stderr: r.result.stderr }).toEqual({ args: r.args, status: 0, stderr: '' });
  });

  it('sends each step at the dispatch its comment names, due when the preview said', () => {
    const preview = ran.find((r) => r.args[0] === 'campaign' && r.args[1] === 'preview');
    expect(preview).toBeDefined();
    const json = rekindle([...(preview as { args: string[] }).args, '--json'], env, dir).json();
    const sendAt: (string | null)[] = json.steps.map((s: { sendAt: string | null }) => s.sendAt);
    const status = rekindle(['campaign', 'status', 'nostalgia-winback', '--json'], env, dir).json();
    let previous = '';
    dispatches().forEach((d) => {
      const step = Number(/^step (\d)/.exec(d.comment)?.[1]);
      expect(step).toBeGreaterThan(0);
      const at = new Date(nowOf(d.args)).getTime();
      // Due no later than the dispatch that sends it, and after the one before.
      expect(Date.parse(sendAt[step - 1] as string)).toBeLessThanOrEqual(at);
      if (previous) expect(Date.parse(sendAt[step - 1] as string)).toBeGreaterThan(Date.parse(previous));
      previous = nowOf(d.args);
      expect(status.steps[step - 1]).toMatchObject({ due: 0, failed: 0 });
      expect(status.steps[step - 1].sent + status.steps[step - 1].exited + status.steps[step - 1].suppressed).toBeGreaterThan(0);
    });
    expect(dispatches().map((d) => /^step (\d)/.exec(d.comment)?.[1])).toEqual(['1', '2', '3', '4']);
    expect(status.state).toBe('completed');
  });

  it('each dispatch sends what the step due then holds, and the outbox holds every email', () => {
    const sent = dispatches().map((d) => Number(/sent (\d+)/.exec(d.result.stdout)?.[1]));
    for (const n of sent) expect(n).toBeGreaterThan(0);
    const status = rekindle(['campaign', 'status', 'nostalgia-winback', '--json'], env, dir).json();
    const perStep = status.steps.map((s: { sent: number }) => s.sent);
    // Step 1 and step 2 reach everyone treated, step 3 those with an offer; nobody bought in the sample's future.
    expect(perStep[0]).toBe(status.treated);
    expect(perStep[1]).toBe(status.treated);
    expect(perStep[3]).toBe(status.treated);
    expect(listed.filter((f) => f.endsWith('.eml'))).toHaveLength(perStep.reduce((a: number, b: number) => a + b, 0));
    expect(sent.reduce((a, b) => a + b, 0)).toBe(listed.length);
  });

  it('greets each CDNOW customer by their generated first name, with news from a music shop', async () => {
    const names = new Map(readFileSync(path.join(ROOT, 'samples/cdnow/customers.csv'), 'utf8').trim().split('\n').slice(1).map((l) => [`cdnow-${l.split(',')[0]}@example.com`, l.split(',')[2]]));
    const outbox = path.join(dir, 'outbox', 'nostalgia-winback');
    const emails = await Promise.all(listed.slice(0, 40).map(async (f) => simpleParser(readFileSync(path.join(outbox, f)))));
    const firstSteps = emails.filter((e) => e.headers.get('x-rekindle-step') === '1');
    expect(firstSteps.length).toBeGreaterThan(0);
    for (const email of firstSteps) {
      const to = (email.to as { value: { address: string }[] }).value[0].address;
      expect(email.text).toContain(`Dear ${names.get(to)},`);
      expect(email.text).toContain('Listen before you buy');
      expect(email.text).not.toMatch(/roast|coffee/i);
    }
  });
});
