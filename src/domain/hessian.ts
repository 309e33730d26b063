/**
 * Parameter uncertainty of a maximum-likelihood fit from the observed information: the Hessian
 * of the negative log-likelihood at the optimum, inverted, is the asymptotic covariance of the
 * estimates. The fits optimize in log-parameter space, so the Hessian is taken there too (the
 * objective's own analytic gradient, differenced centrally: 2n passes over the grouped data),
 * and the 95% intervals are exp(ln θ ± 1.96 se(ln θ)) — they stay positive, as θ must.
 */
import type { Objective } from './optimize';

export interface ParameterUncertainty {
  /** Standard errors of the parameters (delta method: θ · se(ln θ)); NaN when not identified. */
  standardErrors: number[];
  /** Standard errors of ln θ, the scale the intervals are built on. */
  logStandardErrors: number[];
  /** Covariance of the parameters (delta method from the log scale), row-major, in parameter order. */
  covariance: number[][];
  /** 95% intervals exp(ln θ ± 1.96 se(ln θ)). */
  intervals: Array<[number, number]>;
}

export const Z_95 = 1.959963984540054;

/** Step in ln θ for differencing the gradient: a 1e-4 relative change, far above rounding. */
const STEP = 1e-4;

/**
 * Hessian of `objective` at `theta` by central differences of its analytic gradient, symmetrized.
 * Multiply by `weight` to turn a mean objective into the summed one.
 */
export function gradientHessian(objective: Objective, theta: ArrayLike<number>, weight = 1): number[][] {
  const n = theta.length;
  const rows: Float64Array[] = [];
  for (let j = 0; j < n; j++) {
    const [up, down] = [Float64Array.from(theta), Float64Array.from(theta)];
    up[j] += STEP;
    down[j] -= STEP;
    const [gUp, gDown] = [new Float64Array(n), new Float64Array(n)];
    objective(up, gUp);
    objective(down, gDown);
    rows.push(gUp.map((g, i) => ((g - gDown[i]) / (2 * STEP)) * weight));
  }
  return rows.map((row, i) => Array.from(row, (v, j) => (v + rows[j][i]) / 2));
}

/**
 * Uncertainty from the Hessian of the summed negative log-likelihood in ln θ. A Hessian that is
 * not positive definite (a parameter at the box, a flat direction) identifies nothing: every
 * number is then NaN rather than a confident-looking guess.
 */
export function uncertaintyFromLogHessian(logHessian: number[][], params: ArrayLike<number>): ParameterUncertainty {
  const n = params.length;
  const logCovariance = invertPositiveDefinite(logHessian) ?? logHessian.map((row) => row.map(() => NaN));
  const logStandardErrors = logCovariance.map((row, i) => Math.sqrt(row[i]));
  const theta = Array.from(params);
  return {
    standardErrors: logStandardErrors.map((se, i) => se * theta[i]),
    logStandardErrors,
    covariance: logCovariance.map((row, i) => row.map((v, j) => v * theta[i] * theta[j])),
    intervals: logStandardErrors.map((se, i): [number, number] => [theta[i] * Math.exp(-Z_95 * se), theta[i] * Math.exp(Z_95 * se)]),
  };
}

/** Lower Cholesky factor L (A = L Lᵀ); undefined when the matrix is not positive definite. */
export function cholesky(matrix: readonly (readonly number[])[]): number[][] | undefined {
  const n = matrix.length;
  const l = matrix.map(() => new Array<number>(n).fill(0));
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let sum = matrix[i][j];
      for (let k = 0; k < j; k++) sum -= l[i][k] * l[j][k];
      if (i === j) {
        if (!(sum > 0)) return undefined;
        l[i][i] = Math.sqrt(sum);
      } else {
        l[i][j] = sum / l[j][j];
      }
    }
  }
  return l;
}

/** Inverse by Cholesky; undefined when the matrix is not positive definite. */
export function invertPositiveDefinite(matrix: number[][]): number[][] | undefined {
  const n = matrix.length;
  const l = cholesky(matrix);
  if (l === undefined) return undefined;
  // Columns of L^-1, then A^-1 = L^-T L^-1.
  const inv = matrix.map(() => new Array<number>(n).fill(0));
  for (let c = 0; c < n; c++) {
    inv[c][c] = 1 / l[c][c];
    for (let i = c + 1; i < n; i++) {
      let sum = 0;
      for (let k = c; k < i; k++) sum -= l[i][k] * inv[k][c];
      inv[i][c] = sum / l[i][i];
    }
  }
  return matrix.map((_, i) =>
    matrix.map((__, j) => {
      let sum = 0;
      for (let k = Math.max(i, j); k < n; k++) sum += inv[k][i] * inv[k][j];
      return sum;
    }),
  );
}

/**
 * The observed information of the fit. Rescaling time shifts ln α by a constant, which leaves
 * the Hessian in log space unchanged. At the box the optimum is not interior and the curvature
 * says nothing about the uncertainty, so the numbers are NaN there (and when not `wanted`: the
 * fit benchmark times the fit without them).
 */
export function fitUncertainty(
  objective: Objective,
  best: { theta: Float64Array; hitBound: boolean },
  total: number,
  params: number[],
  wanted = true,
): ParameterUncertainty {
  const hessian = best.hitBound || !wanted ? params.map(() => params.map(() => NaN)) : gradientHessian(objective, best.theta, total);
  return uncertaintyFromLogHessian(hessian, params);
}
