import type { CampaignFile } from '../../../src/campaigns/definition';
import type { SendContext } from '../../../src/campaigns/sendContext';
import { decideSend } from '../../../src/campaigns/sendDecision';
import { aDefinition } from '../../support/campaignFixtures';

const ZONE = 'Europe/Berlin';
/** 10:00 in Berlin on a Monday. */
const NOW = new Date('2025-06-02T08:00:00.000Z');

function context(overrides: Partial<SendContext> = {}): SendContext {
  return {
    send: { id: 7, runId: 1, enrolmentId: 3, customerId: 5, step: 2, attempts: 0, dueAt: NOW.toISOString(), campaign: 'nostalgia-winback' },
    email: 'ann@example.com', firstName: 'Ann', consent: 'unknown', suppression: null,
    treatment: 'offer', offer: null, offerExpiresAt: null, budgetMinor: 500,
    facts: { firstOrderDay: '2024-01-02', lastOrderDay: '2024-03-02', orders: 3, favouriteProducts: [] },
    enrolledAt: '2025-05-26T08:00:00.000Z', exitedAt: null, exitReason: null, purchasedSince: false, recentSends: [],
    ...overrides,
  };
}

const winback = (overrides: Record<string, unknown> = {}): CampaignFile => aDefinition({ exitOn: ['redemption', 'purchase', 'unsubscribe', 'complaint', 'bounce'], ...overrides });
const incident = (): CampaignFile => aDefinition({ name: 'incident-apology', kind: 'incident', holdout: 0, audience: { incidentAffected: true } });

describe('decideSend', () => {
  it('sends an email that nothing holds back', () => {
    expect(decideSend(context(), winback(), NOW, ZONE)).toEqual({ kind: 'send' });
  });

  it('ends the sequence with the reason it ended for: a redeemed code, a cancelled run', () => {
    const exited = (exitReason: string | null) => context({ exitedAt: '2025-06-01T10:00:00.000Z', exitReason });
    expect(decideSend(exited('redemption'), winback(), NOW, ZONE)).toEqual({ kind: 'exit', reason: 'redemption' });
    expect(decideSend(exited('run-cancelled'), winback(), NOW, ZONE)).toEqual({ kind: 'exit', reason: 'run-cancelled' });
    expect(decideSend(exited(null), winback(), NOW, ZONE)).toEqual({ kind: 'exit', reason: 'run-ended' });
  });

  it('ends a win-back at a purchase only when the campaign exits on one', () => {
    expect(decideSend(context({ purchasedSince: true }), winback(), NOW, ZONE)).toEqual({ kind: 'exit', reason: 'purchase' });
    expect(decideSend(context({ purchasedSince: true }), winback({ exitOn: ['unsubscribe'] }), NOW, ZONE)).toEqual({ kind: 'send' });
  });

  it('never mails a suppressed address, whatever the campaign; marketing never goes to a no', () => {
    for (const campaign of [winback(), incident()]) {
      expect(decideSend(context({ suppression: 'bounced' }), campaign, NOW, ZONE)).toEqual({ kind: 'suppress', reason: 'bounced' });
    }
    expect(decideSend(context({ consent: 'no' }), winback(), NOW, ZONE)).toEqual({ kind: 'suppress', reason: 'no-consent' });
    expect(decideSend(context({ email: null }), winback(), NOW, ZONE)).toEqual({ kind: 'suppress', reason: 'no-address' });
  });

  it('sends an incident notice to a no, and past a purchase and the frequency cap: it is a service message', () => {
    const busy = context({ consent: 'no', purchasedSince: true, recentSends: [new Date('2025-06-01T08:00:00.000Z')] });
    expect(decideSend(busy, { ...incident(), frequencyCap: { maxEmails: 1, perDays: 7 } }, NOW, ZONE)).toEqual({ kind: 'send' });
  });

  it('defers to the send window and under the frequency cap', () => {
    const night = new Date('2025-06-02T21:30:00.000Z'); // 23:30 in Berlin
    expect(decideSend(context(), winback({ sendWindow: { from: '08:00', to: '20:00' } }), night, ZONE)).toEqual({
      kind: 'defer', until: new Date('2025-06-03T06:00:00.000Z'), reason: 'quiet-hours',
    });
    const capped = context({ recentSends: [new Date('2025-06-01T08:00:00.000Z')] });
    expect(decideSend(capped, winback({ frequencyCap: { maxEmails: 1, perDays: 7 } }), NOW, ZONE)).toEqual({
      kind: 'defer', until: new Date('2025-06-08T08:00:00.000Z'), reason: 'frequency-cap',
    });
  });
});
