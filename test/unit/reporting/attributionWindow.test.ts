/** Issue 12: a run's orders count for 60 days after launch unless its campaign file says otherwise. */
import { campaignSchema } from '../../../src/campaigns/definition';
import { DEFAULT_ATTRIBUTION_DAYS } from '../../../src/reporting/runReport';

const minimal = {
  name: 'plain-winback',
  spokesperson: { name: 'Maria', role: 'Founder', replyTo: 'maria@beanthere.example' },
  steps: [{ template: 'nostalgia-winback/1-we-miss-you', subject: 'Hello' }],
};

describe('the attribution window', () => {
  it('defaults to 60 days', () => {
    expect(DEFAULT_ATTRIBUTION_DAYS).toBe(60);
    expect(campaignSchema.parse(minimal).attributionWindowDays).toBe(60);
  });

  it('is the campaign file\'s when it gives one', () => {
    expect(campaignSchema.parse({ ...minimal, attributionWindowDays: 21 }).attributionWindowDays).toBe(21);
  });
});
