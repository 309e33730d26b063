/**
 * A win-back campaign played forward through all its steps with an injected clock, through a
 * real SMTP server: what arrives, parsed, is exactly one email per treated customer per step,
 * nothing for the holdout, with the headers, the DKIM signature and the Message-ID the issue
 * promises.
 */
import { generateKeyPairSync, KeyObject } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runStatus } from '../../../src/campaigns/runControl';
import { messageIdFor } from '../../../src/mail/message';
import { DAY_MS, lapsedCustomers, LAUNCH_AT, openShop, Shop } from '../../support/campaignShop';
import { ParsedMessage, SmtpSink, startSmtpSink } from '../../support/smtpSink';
import { verifyDkim } from '../mail/dkim';

const CAMPAIGN = 'winback-everyone';

describe('a win-back campaign played forward through a real SMTP server', () => {
  let sink: SmtpSink;
  let shop: Shop;
  let runId: number;
  let messages: ParsedMessage[];
  let enrolments: { customer_id: number; email: string; holdout: number | boolean; treatment: string }[];
  let publicKey: KeyObject;
  let keyDir: string;

  beforeAll(async () => {
    sink = await startSmtpSink();
    // One-time buyers have P(alive) = 1, so no value in winning them back: they get the
    // nostalgia steps without an offer, and skip the "before it ends" reminder (step 3).
    const oneTimers = Array.from({ length: 12 }, (_, i) => ({ email: `once${i}@example.com`, firstName: 'Ola', orderDays: ['2024-02-20'] }));
    keyDir = mkdtempSync(path.join(os.tmpdir(), 'rekindle-dkim-'));
    const keyFile = path.join(keyDir, 'dkim.pem');
    const keys = generateKeyPairSync('rsa', { modulusLength: 2048 });
    writeFileSync(keyFile, keys.privateKey.export({ type: 'pkcs8', format: 'pem' }));
    publicKey = keys.publicKey;
    shop = await openShop({
      customers: [...lapsedCustomers(48), ...oneTimers],
      settings: { SMTP_URL: sink.url(), DKIM_DOMAIN: 'beanthere.example', DKIM_SELECTOR: 'rk2025', DKIM_PRIVATE_KEY_FILE: keyFile },
      campaigns: { [CAMPAIGN]: { with: { audience: { lastOrderAtLeastDaysAgo: 120 } } } },
    });
    const launched = await shop.services.campaigns().launch(CAMPAIGN, {});
    runId = launched.runId;
    expect(launched).toEqual({ runId, audience: 60, treated: expect.any(Number), holdout: expect.any(Number) });
    expect(launched.holdout).toBeGreaterThan(0);
    expect(launched.treated + launched.holdout).toBe(60);
    await shop.playForward();
    messages = await sink.messages();
    enrolments = await shop.services.db.reader.query(
      'SELECT e.customer_id, c.email, e.holdout, e.treatment FROM enrolments e JOIN customers c ON c.id = e.customer_id ORDER BY e.customer_id',
    );
  }, 120_000); // four steps to 60 customers played forward: over 30 s on PostgreSQL on a busy 2-core machine
  afterAll(async () => {
    await shop?.dispose();
    await sink?.close();
    rmSync(keyDir, { recursive: true, force: true });
  });

  const step = (m: ParsedMessage) => Number(m.header('x-rekindle-step'));

  it('sends each treated customer each of their steps exactly once, and the holdout nothing', () => {
    const treated = enrolments.filter((e) => !e.holdout);
    const withOffer = treated.filter((e) => e.treatment === 'offer');
    expect(withOffer.length).toBeGreaterThan(0);
    expect(treated.length - withOffer.length).toBeGreaterThan(0);
    const expected = [1, 2, 3, 4].flatMap((s) => (s === 3 ? withOffer : treated).map((e) => `${e.email} step ${s}`)).sort();
    expect(messages.map((m) => `${m.to} step ${step(m)}`).sort()).toEqual(expected);
    const heldOut = new Set(enrolments.filter((e) => e.holdout).map((e) => e.email));
    expect(messages.filter((m) => heldOut.has(m.to))).toEqual([]);
  });

  it('follows the delays: 7 days, then 10, then 7 between a customer\'s emails', () => {
    const byCustomer = new Map<string, Date[]>();
    for (const m of messages) byCustomer.set(m.to, [...(byCustomer.get(m.to) ?? []), m.parsed.date as Date]);
    const launch = new Date(LAUNCH_AT).getTime();
    for (const dates of byCustomer.values()) {
      const days = dates.map((d) => (d.getTime() - launch) / DAY_MS).sort((a, b) => a - b);
      expect(days[0]).toBe(0);
      expect(days[1]).toBeGreaterThanOrEqual(7);
      // Without an offer the "before it ends" reminder is skipped: step 4 is 7 days after step 2.
      expect(days[days.length - 1]).toBeGreaterThanOrEqual(days.length === 4 ? 24 : 14);
    }
  });

  it('labels every email with campaign, run and step, and offers one-click unsubscribe both ways', () => {
    for (const m of messages) {
      expect(m.header('x-rekindle-campaign')).toBe(CAMPAIGN);
      expect(m.header('x-rekindle-run')).toBe(String(runId));
      expect([1, 2, 3, 4]).toContain(step(m));
      expect(m.header('list-unsubscribe')).toMatch(/^<https:\/\/rekindle\.beanthere\.example\/[^>]+>, <mailto:hello@beanthere\.example\?subject=unsubscribe%20[^>]+>$/);
      expect(m.header('list-unsubscribe-post')).toBe('List-Unsubscribe=One-Click');
      expect(m.parsed.html).toContain('Bean There');
      expect(m.parsed.text).toBeTruthy();
    }
  });

  it('signs every email with DKIM over both unsubscribe headers, and each signature verifies', () => {
    for (const m of messages) {
      const dkim = verifyDkim(m.raw, publicKey);
      expect(dkim).toMatchObject({ bodyHashMatches: true, signatureValid: true, tags: { d: 'beanthere.example', s: 'rk2025' } });
      expect(dkim.signedHeaders).toEqual(expect.arrayContaining(['list-unsubscribe', 'list-unsubscribe-post', 'message-id', 'x-rekindle-step']));
    }
  });

  it('gives each send a deterministic Message-ID, recorded on the send row', async () => {
    const sends = new Map((await shop.sends(runId)).map((s) => [s.messageId, s]));
    for (const m of messages) {
      const send = sends.get(m.parsed.messageId as string);
      expect(send).toMatchObject({ email: m.to, step: step(m), status: 'sent' });
      expect(m.parsed.messageId).toBe(messageIdFor({ sendId: String(send!.id), campaign: CAMPAIGN, runId: String(runId), to: { address: m.to }, publicUrl: shop.env.PUBLIC_URL }));
    }
    expect(new Set(messages.map((m) => m.parsed.messageId)).size).toBe(messages.length);
  });

  it('ends the run completed, its status counting what was sent', async () => {
    const status = await runStatus(shop.services.db, CAMPAIGN);
    const count = (s: number) => messages.filter((m) => step(m) === s).length;
    expect(status).toMatchObject({ runId, campaign: CAMPAIGN, state: 'completed', audience: 60 });
    expect(status.steps).toEqual([1, 2, 3, 4].map((s) => ({ step: s, due: 0, sent: count(s), failed: 0, suppressed: 0, exited: 0, uncertain: 0 })));
  });

  it('sends nothing more when dispatched again later', async () => {
    shop.clock.advance(60 * DAY_MS);
    const before = sink.received.length;
    expect(await shop.dispatch()).toMatchObject({ sent: 0, failed: 0, reconciled: { sent: 0, resend: 0, uncertain: 0 } });
    expect(sink.received.length).toBe(before);
  });
});
