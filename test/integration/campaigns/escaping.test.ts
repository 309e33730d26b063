/**
 * A customer's name is data the shop did not write: whatever it holds, it arrives escaped and
 * inert in the HTML, is never evaluated as a template, and cannot add a header. Checked end to
 * end, from the import to the parsed message the SMTP server received.
 */
import { importOrders } from '../../../src/import/importer';
import { ordersFromApiBody } from '../../../src/import/formats/apiOrder';
import { LAUNCH_AT, openShop, Shop, step, winback } from '../../support/campaignShop';
import { ParsedMessage, SmtpSink, startSmtpSink } from '../../support/smtpSink';

const HOSTILE = {
  script: '<script>alert(1)</script>',
  mustache: '{{x}}',
  triple: '{{{shopName}}}',
  attribute: '"><img src=x onerror=alert(1)>',
  header: 'Eve\r\nBcc: eve@evil.example',
};

describe('hostile first names, end to end', () => {
  let sink: SmtpSink;
  let shop: Shop;
  let messages: Map<string, ParsedMessage>;

  beforeAll(async () => {
    sink = await startSmtpSink();
    shop = await openShop({
      customers: Object.entries(HOSTILE).map(([key, firstName]) => ({ email: `${key}@example.com`, firstName, orderDays: ['2024-01-10', '2024-02-10', '2024-03-10'] })),
      settings: { SMTP_URL: sink.url() },
      campaigns: { hello: winback([step('1-we-miss-you', '0d', '{{#if firstName}}{{firstName}}, it{{else}}It{{/if}} has been a while')]) },
    });
    await shop.services.campaigns().launch('hello', {});
    await shop.dispatch();
    messages = new Map((await sink.messages()).map((m) => [m.to.replace(/@.*/, ''), m]));
  });
  afterAll(async () => {
    await shop?.dispose();
    await sink?.close();
  });

  it('sends every one of them their email', () => {
    expect([...messages.keys()].sort()).toEqual(Object.keys(HOSTILE).sort());
    expect(messages.get('script')?.parsed.date?.toISOString()).toBe(LAUNCH_AT);
  });

  it('escapes markup in the HTML, so no script or element of theirs exists there', () => {
    const { html } = messages.get('script')!.parsed;
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).not.toMatch(/<script/i);
    const attribute = messages.get('attribute')!.parsed.html as string;
    // The import tidies the name's capitals ("Src"); the escaping is what matters.
    expect(attribute).toMatch(/Dear &quot;&gt;&lt;img src&#x3D;x onerror&#x3D;alert\(1\)&gt;,/i);
    expect(attribute).not.toMatch(/<img src=x/i);
  });

  it('never evaluates a name as a template: the braces arrive as typed', () => {
    const mustache = messages.get('mustache')!;
    expect(mustache.parsed.html).toContain('{{x}}');
    expect(mustache.parsed.text).toContain('{{x}}');
    expect(mustache.parsed.subject).toBe('{{x}}, it has been a while');
    const triple = messages.get('triple')!;
    expect(triple.parsed.html).toContain('{{{shopName}}}');
    expect(triple.parsed.subject).toBe('{{{shopName}}}, it has been a while');
  });

  it('keeps the plain-text part and the subject as the name was written (no HTML there to break)', () => {
    const script = messages.get('script')!;
    expect(script.parsed.text).toContain(HOSTILE.script);
    expect(script.parsed.subject).toBe(`${HOSTILE.script}, it has been a while`);
  });

  it('cannot smuggle a header in through a line break', () => {
    const header = messages.get('header')!;
    expect(header.parsed.bcc).toBeUndefined();
    expect(header.parsed.headerLines.filter((h) => h.key === 'bcc')).toEqual([]);
    expect(header.parsed.subject).not.toMatch(/[\r\n]/);
    expect(header.parsed.to).toMatchObject({ value: [{ address: 'header@example.com' }] });
    expect(sink.received.filter((m) => m.to === 'eve@evil.example')).toEqual([]);
  });
});

describe('a hostile product name, end to end', () => {
  it('reaches the plain-text part on one line: no line of its own, no Bcc', async () => {
    const sink = await startSmtpSink();
    const shop = await openShop({
      customers: [{ email: 'kenya@example.com', firstName: 'Kim', orderDays: [] }],
      settings: { SMTP_URL: sink.url() },
      campaigns: { hello: winback([step('1-we-miss-you', '0d')]) },
    });
    try {
      const orders = ['2024-01-10', '2024-02-10', '2024-03-10'].map((day, i) => ({
        orderId: `k-${i}`, email: 'kenya@example.com', firstName: 'Kim', acceptsMarketing: true, orderedAt: `${day}T12:00:00Z`, amount: '42.50', currency: 'EUR',
        items: ['Kenya AA\r\nBcc: a@evil.example'],
      }));
      await importOrders(shop.services.db, ordersFromApiBody(orders, { shopTimeZone: 'Europe/Berlin' }), { source: 'api', file: 'request', now: shop.clock.now });
      await shop.services.campaigns().launch('hello', {});
      await shop.dispatch();
      const [message] = await sink.messages();
      expect(message.parsed.text).toContain('Kenya AA Bcc: a@evil.example');
      expect(message.parsed.text).not.toMatch(/^\s*Bcc:/im);
      expect(message.parsed.headerLines.filter((h) => h.key === 'bcc')).toEqual([]);
    } finally {
      await shop.dispose();
      await sink.close();
    }
  });
});
