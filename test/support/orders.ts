import type { OrderRecord } from '../../src/import/records';

let counter = 0;

/** A valid order record; override what the test is about. */
export function anOrder(overrides: Partial<OrderRecord> = {}): OrderRecord {
  counter++;
  return {
    orderId: `o-${counter}`,
    customer: { email: `customer${counter}@example.com`, firstName: 'Maria' },
    orderedAt: '2025-03-12T10:00:00.000Z',
    orderedDay: '2025-03-12',
    currency: 'EUR',
    amountMinor: 4250,
    refundedMinor: 0,
    status: 'kept',
    items: ['Ethiopia Yirgacheffe'],
    line: counter + 1,
    ...overrides,
  };
}

export async function* stream<T>(items: T[]): AsyncIterable<T> {
  for (const item of items) yield item;
}
