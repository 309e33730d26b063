/**
 * The validation chart as a self-contained SVG: mean holdout purchases per customer, predicted
 * and actual, for each calibration frequency. Plain markup, so it opens in any browser and
 * needs no charting dependency; every text is escaped.
 */
import { purchaseModelName } from '../domain/purchaseModel';
import type { Validation } from './validateService';

const WIDTH = 720;
const HEIGHT = 440;
const PLOT = { left: 70, right: 24, top: 96, bottom: 84 };
const COLORS = { actual: '#1f2937', predicted: '#d97706', grid: '#e5e7eb', muted: '#6b7280' };

export function validationChart(validation: Validation): string {
  const rows = validation.byFrequency;
  const top = niceCeiling(Math.max(...rows.flatMap((row) => [row.predicted, row.actual]), 0.1));
  const plotWidth = WIDTH - PLOT.left - PLOT.right;
  const plotHeight = HEIGHT - PLOT.top - PLOT.bottom;
  const x = (i: number) => PLOT.left + ((i + 0.5) * plotWidth) / rows.length;
  const y = (value: number) => PLOT.top + plotHeight * (1 - value / top);
  const series = (key: 'predicted' | 'actual') => rows.map((row, i) => ({ x: x(i), y: y(row[key]) }));
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" font-family="system-ui, sans-serif" font-size="12">`,
    `<rect width="${WIDTH}" height="${HEIGHT}" fill="#ffffff"/>`,
    text(PLOT.left, 26, 'Holdout purchases per customer, by purchases in the calibration period', { size: 15, weight: 'bold' }),
    ...subtitle(validation).map((line, i) => text(PLOT.left, 46 + i * 16, line, { fill: COLORS.muted })),
    ...yAxis(top, y),
    ...rows.flatMap((row, i) => [
      text(x(i), HEIGHT - PLOT.bottom + 18, row.frequency, { anchor: 'middle' }),
      text(x(i), HEIGHT - PLOT.bottom + 33, `n=${row.customers.toLocaleString('en')}`, { anchor: 'middle', fill: COLORS.muted, size: 10 }),
    ]),
    text(PLOT.left + plotWidth / 2, HEIGHT - 22, `Repeat purchases in the calibration period (to ${validation.calibrationEnd})`, { anchor: 'middle' }),
    text(18, PLOT.top + plotHeight / 2, `Mean purchases in the ${format(validation.holdoutLength)}-${validation.timeUnit} holdout`, { anchor: 'middle', rotate: true }),
    line(series('actual'), COLORS.actual, false),
    line(series('predicted'), COLORS.predicted, true),
    ...legend(),
    '</svg>',
    '',
  ].join('\n');

  function legend(): string[] {
    const at = (row: number, label: string, color: string, dashed: boolean) => {
      const ly = PLOT.top + 8 + row * 18;
      return [
        `<line x1="${PLOT.left + 12}" y1="${ly}" x2="${PLOT.left + 40}" y2="${ly}" stroke="${color}" stroke-width="2.5"${dashed ? ' stroke-dasharray="6 4"' : ''}/>`,
        `<circle cx="${PLOT.left + 26}" cy="${ly}" r="3.5" fill="${color}"/>`,
        text(PLOT.left + 48, ly + 4, label),
      ];
    };
    return [...at(0, 'Actual (days with a purchase)', COLORS.actual, false), ...at(1, `Predicted by the purchase model (${purchaseModelName(validation.models[0].model)})`, COLORS.predicted, true)];
  }
}

function subtitle(v: Validation): string[] {
  return [
    `${v.customers.toLocaleString('en')} customers; fitted on orders up to ${v.calibrationEnd}, holdout to ${v.holdoutEnd}`,
    `Repeat purchases in the holdout: predicted ${format(v.totals.predicted)}, actual ${format(v.totals.actual)}`,
  ];
}

function yAxis(top: number, y: (value: number) => number): string[] {
  const step = top / 5;
  const out: string[] = [];
  for (let k = 0; k <= 5; k++) {
    const value = step * k;
    const py = y(value).toFixed(1);
    out.push(`<line x1="${PLOT.left}" y1="${py}" x2="${WIDTH - PLOT.right}" y2="${py}" stroke="${k === 0 ? COLORS.muted : COLORS.grid}"/>`);
    out.push(text(PLOT.left - 8, Number(py) + 4, format(value), { anchor: 'end' }));
  }
  return out;
}

function line(points: { x: number; y: number }[], color: string, dashed: boolean): string {
  const path = points.map((p) => `${p.x.toFixed(1)},${p.y.toFixed(1)}`).join(' ');
  const dots = points.map((p) => `<circle cx="${p.x.toFixed(1)}" cy="${p.y.toFixed(1)}" r="3.5" fill="${color}"/>`);
  return [`<polyline points="${path}" fill="none" stroke="${color}" stroke-width="2.5"${dashed ? ' stroke-dasharray="6 4"' : ''}/>`, ...dots].join('\n');
}

interface TextStyle {
  anchor?: 'start' | 'middle' | 'end';
  size?: number;
  weight?: string;
  fill?: string;
  rotate?: boolean;
}

function text(x: number, y: number, content: string, style: TextStyle = {}): string {
  const attrs = [
    `x="${x.toFixed(1)}"`,
    `y="${y.toFixed(1)}"`,
    style.anchor ? `text-anchor="${style.anchor}"` : '',
    style.size ? `font-size="${style.size}"` : '',
    style.weight ? `font-weight="${style.weight}"` : '',
    `fill="${style.fill ?? COLORS.actual}"`,
    style.rotate ? `transform="rotate(-90 ${x.toFixed(1)} ${y.toFixed(1)})"` : '',
  ].filter(Boolean);
  return `<text ${attrs.join(' ')}>${escapeXml(content)}</text>`;
}

function escapeXml(value: string): string {
  return value.replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c] as string);
}

/** Five equal steps of 1, 2, 2.5 or 5 × 10^k, the smallest that reach `max`. */
function niceCeiling(max: number): number {
  const raw = max / 5;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * magnitude).find((s) => s >= raw) as number;
  return step * 5;
}

function format(value: number): string {
  return Number(value.toPrecision(6)).toLocaleString('en', { maximumFractionDigits: 2 });
}
