/** `POST /api/feedback`: a reply to the spokesperson, forwarded in by the shop, over real HTTP. */
import { anOffer, OfferFixture } from '../support/campaignFixtures';
import { listen, postJson } from '../support/http';
import { testServices, TestServices } from '../support/services';

describe('POST /api/feedback', () => {
  let s: TestServices;
  let http: Awaited<ReturnType<typeof listen>>;
  let marketer: string;
  let maria: OfferFixture;
  const post = (body: unknown, key = marketer) => postJson(http.url('/api/feedback'), body, { authorization: `Bearer ${key}` });

  beforeAll(async () => {
    s = await testServices({}, () => new Date('2025-06-22T10:00:00.000Z'));
    http = await listen(s);
    marketer = (await s.apiKeys.create('marketer')).key;
    maria = await anOffer(s.db, { firstName: 'Maria' });
  });
  afterAll(async () => {
    await http.close();
    await s.dispose();
  });

  it('opens a case for the customer the sender is (201); the same messageId again answers 200 with that case', async () => {
    const email = { from: maria.email, subject: 'Re: A thank-you', text: 'Why was it late?', messageId: '<q1@mail.example>', campaign: 'nostalgia-winback', receivedAt: '2025-06-21T09:00:00Z' };
    const first = await post(email);
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({
      duplicate: false,
      case: { state: 'new', customer: { id: maria.customerId, email: maria.email, name: 'Maria' }, campaign: 'nostalgia-winback', waitingSince: '2025-06-21T09:00:00.000Z', messages: 1 },
    });
    const again = await post(email);
    expect(again.status).toBe(200);
    expect(again.body).toEqual({ ...first.body, duplicate: true });
  });

  it('names the field that is wrong (400), and wants a marketer key', async () => {
    expect(await post({ from: maria.email })).toEqual({ status: 400, body: { error: { code: 'invalid_input', message: expect.stringMatching(/^text: /), field: 'text' } } });
    expect((await post({ from: 'nobody', text: 'hi' })).body.error.field).toBe('from');
    expect((await post([1, 2])).body.error.message).toMatch(/expected a JSON object/);
    const checkout = (await s.apiKeys.create('checkout')).key;
    expect((await post({ from: maria.email, text: 'hi' }, checkout)).status).toBe(403);
    expect((await postJson(http.url('/api/feedback'), { from: maria.email, text: 'hi' })).status).toBe(401);
  });

  it('refuses a body over its limit with 413 before reading it', async () => {
    const response = await post({ from: maria.email, text: 'x'.repeat(300 * 1024) });
    expect(response.status).toBe(413);
  });
});
