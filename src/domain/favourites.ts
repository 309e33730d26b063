/**
 * A customer's favourite products, as the advisor names them and the emails recall them: the
 * ones bought most often, ties to the one bought most recently (the warmer memory). Pure.
 */

/** How many favourites are named. */
export const FAVOURITES = 3;

/** `itemLists`: each counted order's items as stored (a JSON array of names), oldest order first. */
export function favouriteProducts(itemLists: readonly string[]): string[] {
  const seen = new Map<string, { count: number; last: number }>();
  itemLists.forEach((json, order) => {
    for (const item of parseItems(json)) {
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
