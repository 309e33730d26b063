/** The generic orders CSV the import benches read: deterministic, so every run imports the same file. */
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';

/** Deterministic xorshift. */
function prng(seed: number) {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13; x >>>= 0; x ^= x >>> 17; x ^= x << 5; x >>>= 0;
    return x / 2 ** 32;
  };
}

/** `rows` orders over about `customers` customers (random draws: a few are never drawn), 2023-2025. */
export async function writeOrdersCsv(file: string, rows: number, customers: number): Promise<void> {
  const out = createWriteStream(file);
  const random = prng(42);
  out.write('order_id,customer_id,email,ordered_at,amount,currency,first_name,items\n');
  const start = Date.parse('2023-01-01T00:00:00Z');
  for (let i = 0; i < rows; i++) {
    const customer = Math.floor(random() * customers);
    const at = new Date(start + Math.floor(random() * 3 * 365 * 86400) * 1000).toISOString().replace('.000Z', '+01:00');
    const amount = (5 + random() * 120).toFixed(2);
    const line = `B${i},C${customer},c${customer}@example.com,${at},${amount},EUR,Kim,"Beans, dark|Mug"\n`;
    if (!out.write(line)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
}
