import { RenderedPages, validUntil } from '../../../src/web/customer/renderedPages';

describe('rendered landing pages', () => {
  const body = (text: string) => Buffer.from(text);

  it('serves a page only for the state it was built from and before it runs out', () => {
    const pages = new RenderedPages();
    pages.set('token', 'state-1', 2_000, body('page'));
    expect(pages.get('token', 'state-1', 1_999)?.toString()).toBe('page');
    expect(pages.get('token', 'state-2', 1_000)).toBeNull();
    // A mismatch drops the entry: the old state never comes back.
    expect(pages.get('token', 'state-1', 1_000)).toBeNull();
    pages.set('token', 'state-1', 2_000, body('page'));
    expect(pages.get('token', 'state-1', 2_000)).toBeNull();
    expect(pages.size).toBe(0);
  });

  it('keeps at most its bytes, dropping the page used longest ago', () => {
    // Each entry: 100 bytes of body + 2 × (5 + 2) for state and key = 114.
    const pages = new RenderedPages(3 * 114);
    for (const k of ['k1', 'k2', 'k3']) pages.set(k, 'state', 10, body('x'.repeat(100)));
    expect(pages.get('k1', 'state', 0)).not.toBeNull();
    pages.set('k4', 'state', 10, body('x'.repeat(100)));
    expect(pages.size).toBe(3);
    expect(pages.get('k2', 'state', 0)).toBeNull();
    for (const k of ['k1', 'k3', 'k4']) expect(pages.get(k, 'state', 0)).not.toBeNull();
    pages.set('huge', 'state', 10, body('x'.repeat(1000)));
    expect(pages.get('huge', 'state', 0)).toBeNull();
    expect(pages.size).toBe(3);
  });

  it('runs out at the next quarter hour, or at an expiry before it', () => {
    const t = Date.parse('2025-06-20T21:50:00Z');
    expect(validUntil(t, [])).toBe(Date.parse('2025-06-20T22:00:00Z'));
    expect(validUntil(t, [null, '2025-06-20T21:55:30.250Z', Date.parse('2025-06-21T00:00:00Z')])).toBe(Date.parse('2025-06-20T21:55:30.250Z'));
    expect(validUntil(t, ['2025-06-20T21:40:00Z'])).toBe(Date.parse('2025-06-20T22:00:00Z'));
  });
});
