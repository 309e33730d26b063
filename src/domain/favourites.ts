/**
 * A customer's favourite products, as the advisor names them and the emails recall them: the
 * ones bought most often, ties to the one bought most recently (the warmer memory). Pure.
 */

/**
 * Order lines that are not something a customer loves: gift cards and vouchers, shipping and
 * delivery charges, fees, tips, deposits, insurance, gift wrap. Matched as whole words, and
 * only when the line is about that ("Standard Shipping", "Gift Card €50", "Shipping protection"),
 * so an album called "Special Delivery" or a "Gift Box of Teas" still counts.
 */
const NOT_A_PRODUCT = new RegExp(
  [
    String.raw`^(e-?)?gift ?(card|certificate|voucher)s?\b`,
    String.raw`\b(e-?)?gift ?(card|certificate|voucher)s?$`,
    String.raw`^(standard |express |free |international |economy |priority |expedited |local |next[- ]day |ups |dhl |fedex |usps )?(shipping|postage|delivery|p&p)( (fee|charge|cost|protection|insurance))?$`,
    String.raw`^(shipping|postage|delivery|handling|service|booking|processing|payment|cod|small order|restocking)( and handling)? (fee|charge|surcharge)s?$`,
    String.raw`^shipping (protection|insurance)\b`,
    String.raw`^(tips?|gratuity|donation|deposit|bottle deposit|store credit|gift ?wrap(ping)?|insurance|surcharge)$`,
  ].join('|'),
  'i',
);

/** Would a customer recognise this line as a product they bought? */
export function isProduct(name: string): boolean {
  return !NOT_A_PRODUCT.test(name.replace(/\s+/g, ' ').replace(/\s*[-–:(]?\s*[$€£]?\d[\d.,]*\s*[$€£]?\)?$/, '').trim());
}

/** How many favourites are named. */
export const FAVOURITES = 3;

/** `itemLists`: each counted order's items as stored (a JSON array of names), oldest order first. */
export function favouriteProducts(itemLists: readonly string[]): string[] {
  const seen = new Map<string, { count: number; last: number }>();
  itemLists.forEach((json, order) => {
    for (const item of parseItems(json).filter(isProduct)) {
      const known = seen.get(item);
      seen.set(item, { count: (known?.count ?? 0) + 1, last: order });
    }
  });
  return [...seen]
    .sort(([, a], [, b]) => b.count - a.count || b.last - a.last)
    .slice(0, FAVOURITES)
    .map(([item]) => item);
}

function parseItems(json: string): string[] {
  try {
    const items: unknown = JSON.parse(json);
    return Array.isArray(items) ? items.filter((i): i is string => typeof i === 'string' && i.trim() !== '').map((i) => i.trim()) : [];
  } catch {
    return [];
  }
}
