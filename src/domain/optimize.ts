/**
 * A small box-constrained BFGS minimizer for the model fits (3-4 parameters in log space).
 * The objectives return their analytic gradient, so each iteration costs about one pass over the
 * grouped data and BFGS converges in a few dozen passes; a derivative-free method would need
 * hundreds.
 */

/** Returns f(theta) and writes ∂f/∂theta into `gradient`. */
export type Objective = (theta: Float64Array, gradient: Float64Array) => number;

export interface MinimizeOptions {
  lower: number;
  upper: number;
  maxIterations?: number;
  /**
   * Converged when every projected gradient component is below this. The fits minimize the mean
   * negative log-likelihood, whose rounding (~1e-15) keeps gradients from going much below 1e-7.
   */
  gradientTolerance?: number;
  /** Curvature learned elsewhere (a run on a sample of the same data) to start from. */
  initialInverse?: ReadonlyArray<Float64Array>;
}

export interface MinimizeResult {
  theta: Float64Array;
  value: number;
  converged: boolean;
  iterations: number;
  evaluations: number;
  /**
   * Some parameter ended within a factor of 10 (in e^theta) of the box: the likelihood wanted it
   * further out. Near the box the likelihood is so flat that the gradient test tends to pass
   * before the box itself is reached, hence the margin.
   */
  hitBound: boolean;
  /** The final inverse-Hessian estimate. */
  inverse: Float64Array[];
}

const NEAR_BOUND = Math.log(10);

/** A gradient this small at the objective's rounding floor still pins the parameters to ~1e-5. */
const STALLED_GRADIENT = 1e-5;

interface State {
  theta: Float64Array;
  gradient: Float64Array;
  value: number;
}

export function minimizeBfgs(objective: Objective, start: ArrayLike<number>, options: MinimizeOptions): MinimizeResult {
  const n = start.length;
  const { lower, upper } = options;
  const maxIterations = options.maxIterations ?? 200;
  const tolerance = options.gradientTolerance ?? 1e-6;
  let evaluations = 0;
  const evaluate = (theta: Float64Array): State => {
    evaluations++;
    const gradient = new Float64Array(n);
    return { theta, gradient, value: objective(theta, gradient) };
  };
  let current = evaluate(Float64Array.from(start, (v) => clamp(v, lower, upper)));
  let inverse = options.initialInverse ? options.initialInverse.map((row) => row.slice()) : identity(n);
  let fresh = options.initialInverse === undefined;
  let [iterations, converged] = [0, false];
  while (iterations < maxIterations && Number.isFinite(current.value)) {
    if (projectedGradientMax(current, lower, upper) < tolerance) {
      converged = true;
      break;
    }
    iterations++;
    const next = lineSearch(current, searchDirection(inverse, current, lower, upper), lower, upper, fresh, evaluate);
    const gained = next === undefined ? 0 : current.value - next.value;
    if (gained <= 1e-15 * Math.max(1, Math.abs(current.value))) {
      current = next ?? current;
      // The objective's own rounding is now larger than what any step could still gain.
      if (fresh) {
        converged = projectedGradientMax(current, lower, upper) < STALLED_GRADIENT;
        break;
      }
      [inverse, fresh] = [identity(n), true];
      continue;
    }
    updateInverse(inverse, current, next as State, fresh);
    [current, fresh] = [next as State, false];
  }
  const hitBound = current.theta.some((v) => v <= lower + NEAR_BOUND || v >= upper - NEAR_BOUND);
  return { theta: current.theta, value: current.value, converged, iterations, evaluations, hitBound, inverse };
}

function searchDirection(inverse: Float64Array[], s: State, lower: number, upper: number): Float64Array {
  const n = s.theta.length;
  const direction = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let d = 0;
    for (let j = 0; j < n; j++) d -= inverse[i][j] * s.gradient[j];
    direction[i] = d;
  }
  for (let i = 0; i < n; i++) {
    const pinned = (s.theta[i] <= lower && direction[i] < 0) || (s.theta[i] >= upper && direction[i] > 0);
    if (pinned) direction[i] = 0;
  }
  if (dot(direction, s.gradient) >= 0) {
    // Curvature information went stale; fall back to steepest descent for this step.
    for (let i = 0; i < n; i++) direction[i] = -s.gradient[i];
  }
  return direction;
}

/** Backtracking (Armijo) along the projected path; without curvature yet, the step is capped to unit length. */
function lineSearch(
  s: State,
  direction: Float64Array,
  lower: number,
  upper: number,
  fresh: boolean,
  evaluate: (theta: Float64Array) => State,
): State | undefined {
  const slope = dot(direction, s.gradient);
  const length = Math.sqrt(dot(direction, direction));
  let step = fresh && length > 1 ? 1 / length : 1;
  for (let attempt = 0; attempt < 60; attempt++) {
    const theta = s.theta.map((v, i) => clamp(v + step * direction[i], lower, upper));
    const trial = evaluate(theta);
    if (Number.isFinite(trial.value) && trial.value <= s.value + 1e-4 * step * slope) return trial;
    step *= 0.5;
  }
  return undefined;
}

/** The BFGS update of the inverse Hessian; skipped when the curvature condition fails. */
function updateInverse(h: Float64Array[], from: State, to: State, fresh: boolean): void {
  const n = from.theta.length;
  const s = to.theta.map((v, i) => v - from.theta[i]);
  const y = to.gradient.map((v, i) => v - from.gradient[i]);
  const sy = dot(s, y);
  if (!(sy > 1e-12 * Math.sqrt(dot(s, s) * dot(y, y)))) return;
  if (fresh) {
    // Nocedal & Wright (6.20): scale the initial guess to the observed curvature.
    const scale = sy / dot(y, y);
    for (let i = 0; i < n; i++) h[i].fill(0)[i] = scale;
  }
  const hy = new Float64Array(n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) hy[i] += h[i][j] * y[j];
  const yhy = dot(y, hy);
  const rho = 1 / sy;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      h[i][j] += (1 + rho * yhy) * rho * s[i] * s[j] - rho * (hy[i] * s[j] + s[i] * hy[j]);
    }
  }
}

function projectedGradientMax(s: State, lower: number, upper: number): number {
  let max = 0;
  s.gradient.forEach((g, i) => {
    const blocked = (s.theta[i] <= lower && g > 0) || (s.theta[i] >= upper && g < 0);
    if (!blocked) max = Math.max(max, Math.abs(g));
  });
  return max;
}

function identity(n: number): Float64Array[] {
  return Array.from({ length: n }, (_, i) => {
    const row = new Float64Array(n);
    row[i] = 1;
    return row;
  });
}

function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += a[i] * b[i];
  return sum;
}

function clamp(v: number, lower: number, upper: number): number {
  return Math.min(upper, Math.max(lower, v));
}

/** How a maximum-likelihood fit went; shown next to its numbers so none is read without it. */
export interface FitReport {
  /** The un-rescaled log-likelihood sum at the optimum. */
  logLikelihood: number;
  converged: boolean;
  /** Iterations of the final run on all the data. */
  iterations: number;
  /** Passes over all the (grouped) data. */
  evaluations: number;
  /** Passes over the screening sample; 0 when the starts ran on all the data. */
  sampleEvaluations: number;
  hitBound: boolean;
  starts: number;
  /**
   * Starts that reached the best optimum (mean log-likelihood within 1e-6), judged on the
   * screening sample when there is one.
   */
  agreeingStarts: number;
}

/**
 * Minimizes from every start and keeps the best, so a fit that depends on where it began shows
 * up as agreeingStarts < starts instead of as a silently different answer.
 *
 * With a `sample` objective (the same mean log-likelihood over a sample of the customers, so its
 * curvature matches), the starts run on the sample and only the winner is finished on all the
 * data, from the sample's curvature: a million customers then cost a handful of full passes
 * instead of a few dozen per start. The answer is still the full-data optimum.
 */
export function minimizeFromStarts(
  objective: Objective,
  starts: ReadonlyArray<ArrayLike<number>>,
  options: MinimizeOptions,
  sample?: Objective,
): Omit<FitReport, 'logLikelihood'> & { best: MinimizeResult } {
  const results = starts.map((start) => minimizeBfgs(sample ?? objective, start, options));
  const ranked = results.filter((result) => Number.isFinite(result.value)).sort((p, q) => p.value - q.value);
  const winner = ranked[0] ?? results[0];
  const agreeingStarts = ranked.filter((result) => result.value - winner.value <= 1e-6).length;
  const startEvaluations = results.reduce((sum, result) => sum + result.evaluations, 0);
  const best = sample ? minimizeBfgs(objective, winner.theta, { ...options, initialInverse: winner.inverse }) : winner;
  return {
    best,
    converged: best.converged,
    iterations: best.iterations,
    evaluations: sample ? best.evaluations : startEvaluations,
    sampleEvaluations: sample ? startEvaluations : 0,
    hitBound: best.hitBound,
    starts: starts.length,
    agreeingStarts,
  };
}
