/**
 * A simulated customer and the shop's checkout, over real HTTP against the app on a loopback
 * port: the open pixel, the landing page, the redeem form with its CSRF token, the checkout's
 * code API and `POST /api/orders`. Anything but the expected answer stops the demo, naming it.
 */
import { formatMoney, Money } from '../domain/money';
import { codeOn, formsOf, postForm } from './pageForms';

export interface DemoOrder {
  orderId: string;
  customerId: string;
  orderedAt: string;
  /** Before any discount. */
  subtotal: string;
  currency: string;
  /** A code revealed on the landing page, redeemed at checkout first. */
  code: string | null;
}

export class Shopper {
  /** `base`: http://127.0.0.1:PORT; `apiKey`: a key whose role may place orders and redeem codes (owner). */
  constructor(private readonly base: string, private readonly apiKey: string) {}

  async open(pixelPath: string): Promise<void> {
    await this.expect('GET', pixelPath, await fetch(this.base + pixelPath), 200);
  }

  /** Views the landing page; presses "Show my code" when there is an offer. Returns the code, or null. */
  async visitAndRedeem(landingPath: string): Promise<string | null> {
    const page = await this.page(landingPath);
    const existing = codeOn(page);
    if (existing) return existing;
    const form = formsOf(page).find((f) => f.action.startsWith('/r/'));
    if (!form) return null;
    const posted = await postForm(this.base + form.action, form.fields);
    await this.expect('POST', '/r/…', posted, 303);
    const location = posted.headers.get('location') ?? '';
    const code = codeOn(await this.page(location.split('#')[0]));
    if (!code) throw new Error(`the landing page showed no code after redeeming (${location.split('/').slice(0, 2).join('/')}/…)`);
    return code;
  }

  /** The shop's checkout redeems the code, then reports the order as paid (subtotal − discount). */
  async order(o: DemoOrder): Promise<void> {
    let paid = new Money(o.subtotal);
    if (o.code) {
      const redeemed = await this.api('/api/codes/redeem', { code: o.code, orderId: o.orderId, orderTotal: o.subtotal, currency: o.currency });
      paid = Money.max(paid.minus(new Money(redeemed.discount.amount)), 0);
    }
    await this.api('/api/orders', {
      orderId: o.orderId, customerId: o.customerId, orderedAt: o.orderedAt, amount: formatMoney(paid, o.currency), currency: o.currency, discountCode: o.code,
    });
  }

  private async page(path: string): Promise<string> {
    const res = await fetch(this.base + path, { redirect: 'manual' });
    await this.expect('GET', path.split('/').slice(0, 2).join('/') + '/…', res, 200);
    return res.text();
  }

  private async api(path: string, body: unknown): Promise<any> {
    const res = await fetch(this.base + path, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${this.apiKey}` },
      body: JSON.stringify(body),
    });
    await this.expect('POST', path, res, 200);
    return res.json();
  }

  private async expect(method: string, path: string, res: Response, status: number): Promise<void> {
    if (res.status === status) return;
    const body = await res.text().catch(() => '');
    throw new Error(`demo customer: ${method} ${path} answered ${res.status}, expected ${status}: ${body.slice(0, 300)}`);
  }
}
