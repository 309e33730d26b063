import { nextStep, projectedSchedule } from '../../../src/campaigns/steps';
import { aDefinition } from '../../support/campaignFixtures';

const ZONE = 'UTC';
const LAUNCH = new Date('1998-07-01T10:00:00.412Z');
const steps = aDefinition({
  steps: [
    { template: 'nostalgia-winback/1-we-miss-you', subject: 'one', delay: '0d' },
    { template: 'nostalgia-winback/2-a-thank-you', subject: 'two', delay: '7d' },
    { template: 'nostalgia-winback/3-before-it-ends', subject: 'three', delay: '10d', audience: 'offer' },
    { template: 'nostalgia-winback/4-should-we-stop', subject: 'four', delay: '7d' },
  ],
}).steps;
const at = (iso: string) => new Date(iso);

describe('when steps are due', () => {
  it('plans from the launch minute: step N is due the sum of the delays up to it', () => {
    expect(projectedSchedule(steps, 'offer', LAUNCH, undefined, ZONE).map((s) => [s.step, s.dueAt.toISOString()])).toEqual([
      [1, '1998-07-01T10:00:00.000Z'], [2, '1998-07-08T10:00:00.000Z'], [3, '1998-07-18T10:00:00.000Z'], [4, '1998-07-25T10:00:00.000Z'],
    ]);
  });

  it('keeps a skipped step\'s time: without an offer, step 4 is still due on day 24', () => {
    expect(projectedSchedule(steps, 'nostalgia-only', LAUNCH, undefined, ZONE).map((s) => [s.step, s.dueAt.toISOString()])).toEqual([
      [1, '1998-07-01T10:00:00.000Z'], [2, '1998-07-08T10:00:00.000Z'], [4, '1998-07-25T10:00:00.000Z'],
    ]);
  });

  it('counts from when the last step was due, not from when a dispatch got round to it', () => {
    const next = nextStep(steps, 'offer', 1, { due: at('1998-07-01T10:00:00.000Z'), sent: at('1998-07-01T10:05:01.319Z') }, undefined, ZONE);
    expect(next).toEqual({ step: 2, dueAt: at('1998-07-08T10:00:00.000Z') });
  });

  it('after a step that went out days late, waits at least half the delay, so two emails never arrive together', () => {
    const next = nextStep(steps, 'offer', 1, { due: at('1998-07-01T10:00:00.000Z'), sent: at('1998-07-09T10:00:00.000Z') }, undefined, ZONE);
    expect(next).toEqual({ step: 2, dueAt: at('1998-07-12T22:00:00.000Z') });
  });

  it('moves a due time into the send window', () => {
    const next = nextStep(steps, 'offer', 0, { due: at('1998-07-01T20:00:00.000Z') }, { from: '09:00', to: '19:00' }, ZONE);
    expect(next).toEqual({ step: 1, dueAt: at('1998-07-02T09:00:00.000Z') });
  });
});
