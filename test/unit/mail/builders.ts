/** Fixture builders for the mail tests: a shop, a customer, a send — override what a test is about. */
import path from 'node:path';
import { createLinkSigner } from '../../../src/links/tokens';
import type { RecipientFields } from '../../../src/mail/fields';
import { buildLinks, LinkContext, MessageFacts, SendLinks } from '../../../src/mail/message';
import { CampaignVoice, CustomerFacts, recipientFields } from '../../../src/mail/recipient';

export const NOW = new Date('2025-06-20T12:00:00Z');
export const EMAILS_DIR = path.resolve(__dirname, '../../../views/emails');
export const PUBLIC_URL = 'https://rekindle.beanthere.example';
export const KEY = 'test-signing-key-0123456789abcdef0123456789';
export const signer = createLinkSigner({ current: KEY });

export const template = (name: string): string => path.join(EMAILS_DIR, `${name}.mjml`);

export const SHIPPED = [
  'nostalgia-winback/1-we-miss-you',
  'nostalgia-winback/2-a-thank-you',
  'nostalgia-winback/3-before-it-ends',
  'nostalgia-winback/4-should-we-stop',
  'incident-apology/1-we-got-it-wrong',
  'incident-apology/2-an-update',
  'incident-apology/3-what-we-changed',
] as const;

export function customer(overrides: Partial<CustomerFacts> = {}): CustomerFacts {
  return {
    firstName: 'Maria',
    firstOrderAt: new Date('2019-03-12T10:00:00Z'),
    lastOrderAt: new Date('2024-01-05T10:00:00Z'),
    favouriteProducts: ['Ethiopia Yirgacheffe', 'Hario V60 starter kit'],
    offer: { label: '15% off your next order', value: '15%', expiresAt: new Date('2025-07-01T12:00:00Z') },
    makeGood: null,
    ...overrides,
  };
}

export function voice(overrides: Partial<CampaignVoice> = {}): CampaignVoice {
  return {
    shop: { name: 'Bean There', postalAddress: '12 Mill Lane, Leeds LS1 4AB, United Kingdom', timeZone: 'Europe/London' },
    spokesperson: { name: 'Ana Lopez', role: 'Founder', photoUrl: 'https://cdn.beanthere.example/ana.jpg', replyTo: 'ana@beanthere.example', talkToUs: '+44 20 7946 0000' },
    whatsNew: [{ title: 'Decaf that tastes like coffee', detail: 'a Swiss-water Colombian we are proud of' }],
    incident: null,
    ...overrides,
  };
}

export const incident = (overrides: Partial<NonNullable<CampaignVoice['incident']>> = {}): CampaignVoice['incident'] => ({
  title: 'the late deliveries in March',
  whatHappened: 'We shipped your March order nine days late and never told you why.',
  plan: 'By 30 June every order ships from our own roastery, and you get a tracking link the same day.',
  update: null,
  whatChanged: null,
  ...overrides,
});

export function linkContext(overrides: Partial<LinkContext> = {}): LinkContext {
  return {
    publicUrl: PUBLIC_URL,
    signer,
    sendId: '4711',
    campaign: 'nostalgia-winback',
    step: 2,
    expiresAt: new Date('2025-07-01T12:00:00Z'),
    unsubscribeExpiresAt: new Date('2027-06-20T12:00:00Z'),
    unsubscribeMailbox: 'unsubscribe@beanthere.example',
    clickTargets: { video: true },
    ...overrides,
  };
}

export const links = (overrides: Partial<LinkContext> = {}): SendLinks => buildLinks(linkContext(overrides));

export function fields(c: Partial<CustomerFacts> = {}, v: Partial<CampaignVoice> = {}): RecipientFields {
  return recipientFields(customer(c), voice(v), links().links, NOW);
}

export function messageFacts(overrides: Partial<MessageFacts> = {}): MessageFacts {
  return {
    sendId: '4711',
    campaign: 'nostalgia-winback',
    runId: 'run-7',
    step: 2,
    to: { address: 'maria@example.com', name: 'Maria Rossi' },
    from: { address: 'hello@beanthere.example', spokesperson: 'Ana Lopez', shop: 'Bean There' },
    replyTo: 'ana@beanthere.example',
    listUnsubscribe: links().listUnsubscribe,
    publicUrl: PUBLIC_URL,
    date: NOW,
    ...overrides,
  };
}
