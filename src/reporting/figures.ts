/** How report figures read in text for owners: rates as percentages, rate differences as points. */
import type { Estimate } from './reportTypes';

type Figure = string | number | null;

export const percent = (v: Figure): string => (v === null ? '—' : `${(Number(v) * 100).toFixed(1)}%`);
export const points = (v: Figure): string => (v === null ? '—' : `${Number(v) >= 0 ? '+' : ''}${(Number(v) * 100).toFixed(1)} pts`);
export const shareOf = (n: number, of: number): string => (of ? percent(n / of) : '—');

/** "+8.3 pts (95% interval +0.0 to +12.5 pts)", naming the unit once. */
export function withInterval(e: Estimate, show: (v: Figure) => string, unit = ''): string {
  const [lo, hi] = e.ci95;
  const strip = (s: string) => (unit && s.endsWith(unit) ? s.slice(0, -unit.length).trimEnd() : s);
  return lo === null || hi === null ? `${show(e.estimate)} (no 95% interval yet)` : `${show(e.estimate)} (95% interval ${strip(show(lo))} to ${show(hi)})`;
}
