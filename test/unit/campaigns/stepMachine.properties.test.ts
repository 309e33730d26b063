/**
 * Property: the step state machine never sends after an exit event. A send that has exited
 * (redemption, purchase, cancelled run) never moves again, whatever events follow; and an
 * enrolment that has exited is never decided `send`, whatever else its context says, for a
 * win-back or an incident notice, at any time.
 */
import fc from 'fast-check';
import type { SendContext } from '../../../src/campaigns/sendContext';
import { decideSend } from '../../../src/campaigns/sendDecision';
import { canMove, continuesSequence, SendEvent, SendStatus, TRANSITIONS } from '../../../src/domain/sendStatus';
import { aDefinition } from '../../support/campaignFixtures';

const EVENTS = Object.keys(TRANSITIONS) as SendEvent[];
const DAY = 86_400_000;
const T0 = Date.parse('2025-06-02T08:00:00.000Z');

const arbDate = fc.integer({ min: -400, max: 400 }).map((days) => new Date(T0 + days * DAY));

const arbContext = fc.record({
  email: fc.option(fc.constant('ann@example.com')),
  consent: fc.constantFrom('yes' as const, 'no' as const, 'unknown' as const),
  suppression: fc.option(fc.constantFrom('unsubscribed' as const, 'bounced' as const, 'complained' as const, 'forgotten' as const)),
  treatment: fc.constantFrom('offer' as const, 'nostalgia-only' as const, 'make-good' as const),
  exitedAt: arbDate.map((d) => d.toISOString()),
  exitReason: fc.option(fc.constantFrom('redemption', 'purchase', 'run-cancelled', 'unsubscribe')),
  purchasedSince: fc.boolean(),
  recentSends: fc.array(arbDate, { maxLength: 4 }),
});

const arbCampaign = fc.oneof(
  fc.record({ exitOn: fc.subarray(['redemption', 'purchase', 'unsubscribe', 'complaint', 'bounce']), frequencyCap: fc.option(fc.constant({ maxEmails: 1, perDays: 7 }), { nil: undefined }) })
    .map((o) => aDefinition(o)),
  fc.constant(aDefinition({ name: 'incident-apology', kind: 'incident', holdout: 0, audience: { incidentAffected: true } })),
);

type Generated = typeof arbContext extends fc.Arbitrary<infer T> ? T : never;

function context(c: Generated, step: number): SendContext {
  return {
    send: { id: step, runId: 1, enrolmentId: 3, customerId: 5, step, attempts: 0, dueAt: new Date(T0).toISOString(), campaign: 'nostalgia-winback' },
    firstName: 'Ann', offer: null, offerExpiresAt: null, budgetMinor: 500, enrolledAt: new Date(T0 - 7 * DAY).toISOString(),
    facts: { firstOrderDay: '2024-01-02', lastOrderDay: '2024-03-02', orders: 3, favouriteProducts: [] },
    ...c,
  };
}

describe('the step state machine, property', () => {
  it('never moves a send again once it has exited, whatever events follow', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...EVENTS), { maxLength: 40 }), (events) => {
        let status: SendStatus = 'scheduled';
        let exited = false;
        for (const event of events) {
          if (!canMove(status, event)) continue; // the store's conditional UPDATE changes no row
          if (exited) throw new Error(`"${event}" moved an exited send to ${TRANSITIONS[event].to}`);
          status = TRANSITIONS[event].to;
          exited = event === 'exit';
        }
        if (exited) expect(continuesSequence(status)).toBe(false);
      }),
      { numRuns: 2000 },
    );
  });

  it('never decides to send any later step of an enrolment that has exited', () => {
    fc.assert(
      fc.property(arbContext, arbCampaign, fc.integer({ min: 1, max: 6 }), arbDate, (c, campaign, step, now) => {
        const decision = decideSend(context(c, step), campaign, now, 'Europe/Berlin');
        expect(decision.kind).not.toBe('send');
      }),
      { numRuns: 1000 },
    );
  });
});
