/**
 * What `fit`, `score`, `explain` and `validate` print for people (without --json). Numbers come
 * with their unit and their caveats, so none is read without the other.
 */
import type { CustomerAdvice } from './adviceService';
import type { Warning } from './diagnostics';
import type { FitOutput, Uncertainty } from './fitService';
import { minorToText, statisticToMinor } from './minorUnits';
import { currencyExponent } from '../domain/money';
import { RULES, TREATMENTS } from './scoreTable';
import type { ScoreRun } from './scoreService';
import type { ModelCheck, Validation } from './validateService';
import { purchaseModelName } from '../domain/purchaseModel';

const n = (value: number): string => value.toLocaleString('en');
const pct = (value: number): string => `${Number((value * 100).toPrecision(3))}%`;

export function warningLines(warnings: readonly Warning[]): string[] {
  if (warnings.length === 0) return ['Caveats: none found.'];
  return ['Caveats:', ...warnings.map((w) => `  - ${w.message}`)];
}

export function fitLines(fit: FitOutput): string[] {
  const { gammaGamma: gg } = fit;
  const status = (converged: boolean) => (converged ? 'converged' : 'DID NOT CONVERGE');
  const purchase =
    'bgnbd' in fit
      ? `Purchase model (BG/NBD): r = ${fit.bgnbd.r}, alpha = ${fit.bgnbd.alpha}, a = ${fit.bgnbd.a}, b = ${fit.bgnbd.b}; log-likelihood ${fit.bgnbd.logLikelihood}; ${status(fit.bgnbd.converged)}.`
      : `Purchase model (Pareto/NBD): r = ${fit.paretoNbd.r}, alpha = ${fit.paretoNbd.alpha}, s = ${fit.paretoNbd.s}, beta = ${fit.paretoNbd.beta}; log-likelihood ${fit.paretoNbd.logLikelihood}; ${status(fit.paretoNbd.converged)}.`;
  return [
    `Model version ${fit.modelVersion}: ${n(fit.customers)} customers (${n(fit.repeatCustomers)} bought more than once), orders up to ${fit.calibrationEnd}, time in ${fit.timeUnit}s.`,
    purchase,
    'bgnbd' in fit ? intervalLine(fit.bgnbd) : intervalLine(fit.paretoNbd),
    `Spend model (Gamma-Gamma): p = ${gg.p}, q = ${gg.q}, gamma = ${gg.gamma}; log-likelihood ${gg.logLikelihood}; ${status(gg.converged)}.`,
    intervalLine(gg),
    ...warningLines(fit.warnings),
    `Next: \`rekindle score\` scores every customer with this model; \`rekindle validate --calibration-end DATE\` checks it against what happened.`,
  ];
}

/** "r 0.219 to 0.269 (se 0.0126), ..." for every parameter, or why there is no interval. */
function intervalLine<K extends string>(u: Uncertainty<K>): string {
  const cells = (Object.keys(u.intervals) as K[]).map((k) => {
    const [low, high] = u.intervals[k];
    const se = u.standardErrors[k];
    return Number.isFinite(se) ? `${k} ${sig(low)} to ${sig(high)} (se ${sig(se)})` : `${k} not pinned down by the data`;
  });
  return `  95% intervals from parameter uncertainty: ${cells.join(', ')}.`;
}

const sig = (value: number): string => String(Number(value.toPrecision(3)));

/** Totals, offers handed out, and the ten customers most worth winning back. */
export function scoreLines(run: ScoreRun, top = 10): string[] {
  const { table, currency } = run;
  const exponent = currencyExponent(currency);
  const money = (minor: number) => `${minorToText(minor, exponent)} ${currency}`;
  const valueMinor = (i: number) => statisticToMinor(table.scores.valueOfWinBack[i], currency, exponent);
  let [value, budget] = [0, 0];
  const offers = new Map<string, number>();
  for (let i = 0; i < table.length; i++) {
    value += valueMinor(i);
    budget += table.budgetMinor[i];
    const offer = table.offer[i];
    const key = offer === -1 ? `no offer (${TREATMENTS[table.treatment[i]]})` : table.offerIds[offer];
    offers.set(key, (offers.get(key) ?? 0) + 1);
  }
  const best = largest(table.scores.valueOfWinBack, top);
  return [
    `Scored ${n(table.length)} customers with model ${run.modelVersion} as of ${run.asOf}: expected purchases over ${run.horizon} ${run.timeUnit}s, CLV over ${run.months} months at ${pct(run.discountRate)} a month and a ${pct(run.margin)} margin; stored.`,
    `Value of winning them back: ${money(value)} in total; budgets: ${money(budget)} in total.`,
    `Offers: ${[...offers].sort((a, b) => b[1] - a[1]).map(([id, count]) => `${id} ${n(count)}`).join(', ') || 'none'}.`,
    '',
    `Most worth winning back:`,
    `  ${'customer'.padEnd(10)} ${'P(alive)'.padStart(8)} ${'value'.padStart(12)} ${'budget'.padStart(10)}  rule   offer`,
    ...best.map((i) => {
      const offer = table.offer[i] === -1 ? '-' : table.offerIds[table.offer[i]];
      const cells = [String(table.customerId[i]).padEnd(10), table.scores.pAlive[i].toFixed(4).padStart(8), minorToText(valueMinor(i), exponent).padStart(12), minorToText(table.budgetMinor[i], exponent).padStart(10)];
      return `  ${cells.join(' ')}  ${RULES[table.rule[i]].padEnd(5)}  ${offer}`;
    }),
    '',
    ...warningLines(run.warnings),
    'Every row: --csv or --json. One customer, step by step: rekindle explain CUSTOMER.',
  ];
}

export function adviceLines(advice: CustomerAdvice): string[] {
  const s = advice.steps;
  const c = advice.currency;
  const { x, tx, T } = advice.inputs;
  const unit = advice.timeUnit;
  return [
    ...advice.sentences,
    '',
    `How the budget was reached (model ${advice.modelVersion}, as of ${advice.asOf}):`,
    `  history: first purchase ${fixed(T)} ${unit}s before ${advice.asOf}; ${x === 0 ? 'no repeat purchases' : `${x} repeat purchase${x === 1 ? '' : 's'}, the last ${fixed(tx)} ${unit}s after the first (${fixed(T - tx)} ${unit}s before)`}`,
    `  P(alive) ${s.pAlive.toFixed(4)}, expected purchases ${s.expectedPurchases.toFixed(2)}, expected spend ${s.expectedSpend} ${c}`,
    `  CLV as is ${s.clvAsIs} ${c}, if won back ${s.clvIfWon} ${c}: value of winning back ${s.valueOfWinBack} ${c}`,
    ...intervalLines(advice),
    `  ${s.budgetBasis === 'lower' ? 'lower end ' : ''}× share ${s.share} = ${s.valueTimesShare} ${c}; CAC ${s.cac} ${c}; cap ${s.cap === null ? 'none' : `${s.cap} ${c}`}`,
    `  budget ${s.budget} ${c}, bound by ${s.boundBy}${s.makeGood ? `; make-good owed ${s.makeGood.owed} ${c}` : ''}; the offer may cost up to ${s.ceiling} ${c} in expectation`,
    `  offer: ${advice.offer ? `${advice.offer.label} (${advice.offer.id})` : `none (${advice.treatment})`}`,
    '',
    'Do not promise:',
    ...advice.mayNotPromise.map((line) => `  - ${line}`),
    '',
    'If they ask:',
    ...advice.toughQuestions.flatMap((q) => [`  "${q.question}"`, `    ${q.answer}`]),
    '',
    ...warningLines(advice.caveats),
  ];
}

/** The advisor's 90% intervals and both budgets, or why there are none. */
function intervalLines(advice: CustomerAdvice): string[] {
  const v = advice.intervals;
  const c = advice.currency;
  if (v === null) return ['  no 90% intervals: the model has no covariance (fit again), so budgets use the estimate'];
  const pct = Math.round(v.level * 100);
  const { estimate, lower, basis } = advice.budgets;
  return [
    `  ${pct}% intervals (parameter uncertainty): P(alive) ${v.pAlive[0].toFixed(4)} to ${v.pAlive[1].toFixed(4)}, expected purchases ${v.expectedPurchases[0].toFixed(2)} to ${v.expectedPurchases[1].toFixed(2)}`,
    `    CLV as is ${v.clvAsIs[0]} to ${v.clvAsIs[1]} ${c}, if won back ${v.clvIfWon[0]} to ${v.clvIfWon[1]} ${c}, value of winning back ${v.valueOfWinBack[0]} to ${v.valueOfWinBack[1]} ${c}`,
    `  budget on the estimate ${estimate} ${c}, on the lower end ${lower} ${c}; BUDGET_BASIS=${basis} applies`,
  ];
}

export function validationLines(v: Validation, chart: string): string[] {
  const totals = (t: { predicted: number; actual: number }) =>
    `predicted ${n(t.predicted)}, actual ${n(t.actual)}${t.actual > 0 ? ` (${pct(t.predicted / t.actual)} of actual)` : ''}`;
  const cell = (text: string) => text.padStart(11);
  return [
    `Fitted on ${n(v.customers)} customers' orders up to ${v.calibrationEnd}; holdout to ${v.holdoutEnd} (${v.holdoutLength} ${v.timeUnit}s).`,
    ...v.models.flatMap((m) => [
      `Purchase model (${purchaseModelName(m.model)}): ${parameterText(m)}; log-likelihood ${m.logLikelihood}.`,
      `  Repeat purchases in the holdout: ${totals(m.totals)}; mean squared error per customer ${m.meanSquaredError}.`,
    ]),
    '',
    `  ${'x'.padEnd(4)} ${'customers'.padStart(10)} ${v.models.map((m) => cell(v.models.length > 1 ? purchaseModelName(m.model) : 'predicted')).join(' ')} ${cell('actual')}`,
    ...v.byFrequency.map((row, g) => {
      const predicted = v.models.map((m) => cell(m.byFrequency[g].predicted.toFixed(3))).join(' ');
      return `  ${row.frequency.padEnd(4)} ${n(row.customers).padStart(10)} ${predicted} ${cell(row.actual.toFixed(3))}`;
    }),
    '  (mean purchases per customer in the holdout, by repeat purchases in the calibration period)',
    ...(v.better === null
      ? []
      : ['', `Better on this holdout: ${purchaseModelName(v.better)}, whose predictions are closer to what each customer did (smaller mean squared error).`]),
    '',
    `Chart: ${chart}`,
    ...warningLines(v.warnings),
  ];
}

/** "r = 0.243, alpha = 4.41, a = 0.793, b = 2.43" from whichever parameters the model has. */
function parameterText(m: ModelCheck): string {
  const names = m.model === 'bgnbd' ? ['r', 'alpha', 'a', 'b'] : ['r', 'alpha', 's', 'beta'];
  return names.map((k) => `${k} = ${(m as unknown as Record<string, number>)[k]}`).join(', ');
}

/** Indices of the k largest values, largest first: one pass, no sort of a million rows. */
function largest(values: Float64Array, k: number): number[] {
  const best: number[] = [];
  for (let i = 0; i < values.length; i++) {
    if (best.length === k && values[i] <= values[best[k - 1]]) continue;
    let at = best.length;
    while (at > 0 && values[best[at - 1]] < values[i]) at--;
    best.splice(at, 0, i);
    if (best.length > k) best.pop();
  }
  return best;
}

const fixed = (value: number): string => String(Number(value.toFixed(2)));
