/**
 * Weighted, L2-regularised logistic regression fitted by Newton's method (iteratively reweighted
 * least squares), Prevail's own: a few dozen lines with no randomness, so the same examples give
 * the same weights bit for bit, and a linear model whose every prediction splits exactly into
 * per-input contributions (weight × standardised value), which is what an alert's reasons need.
 *
 * Minimises `Σ wᵢ·logloss(yᵢ, σ(b + β·xᵢ)) + (l2 / 2)·‖β‖²` (the intercept `b` is not penalised).
 */

/** Fitted coefficients and how the fit ended. */
export interface LogisticFit {
  readonly intercept: number;
  readonly weights: number[];
  /** Newton steps taken. */
  readonly iterations: number;
  /** True when the last step moved no coefficient by more than the tolerance. */
  readonly converged: boolean;
}

/** Rows of a dense design matrix: `rows[i]` has `columns` inputs. */
export interface LogisticProblem {
  readonly rows: readonly Float64Array[];
  readonly columns: number;
  /** Targets in [0, 1]: 0 or 1, or Platt's smoothed targets. */
  readonly labels: readonly number[];
  readonly sampleWeights: readonly number[];
  readonly l2: number;
  readonly maxIterations: number;
  /** Initial intercept (e.g. a prior log-odds); 0 when absent. */
  readonly startIntercept?: number;
}

const tolerance = 1e-9;

/** log(1 + e^z) without overflow. */
function softplus(z: number): number {
  return z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z));
}

/** The logistic function, without overflow. */
export function sigmoid(z: number): number {
  if (z >= 0) return 1 / (1 + Math.exp(-z));
  const e = Math.exp(z);
  return e / (1 + e);
}

function linear(row: Float64Array, coefficients: Float64Array): number {
  let z = coefficients[0] as number;
  for (let j = 0; j < row.length; j++) z += (coefficients[j + 1] as number) * (row[j] as number);
  return z;
}

function objective(problem: LogisticProblem, coefficients: Float64Array): number {
  let loss = 0;
  for (let i = 0; i < problem.rows.length; i++) {
    const z = linear(problem.rows[i] as Float64Array, coefficients);
    // logloss(y, σ(z)) = softplus(z) − y·z
    loss += (problem.sampleWeights[i] as number) * (softplus(z) - (problem.labels[i] as number) * z);
  }
  for (let j = 1; j < coefficients.length; j++) loss += (problem.l2 / 2) * (coefficients[j] as number) ** 2;
  return loss;
}

/**
 * Solves `matrix · x = vector` for a symmetric positive definite `matrix` (n × n, row-major) by
 * Cholesky decomposition; `matrix` is overwritten. Returns undefined when it is not positive
 * definite (cannot happen with `l2 > 0` and the intercept's small ridge, but checked).
 */
function choleskySolve(matrix: Float64Array, vector: Float64Array, n: number): Float64Array | undefined {
  for (let j = 0; j < n; j++) {
    let diagonal = matrix[j * n + j] as number;
    for (let k = 0; k < j; k++) diagonal -= (matrix[j * n + k] as number) ** 2;
    if (!(diagonal > 0)) return undefined;
    const root = Math.sqrt(diagonal);
    matrix[j * n + j] = root;
    for (let i = j + 1; i < n; i++) {
      let sum = matrix[i * n + j] as number;
      for (let k = 0; k < j; k++) sum -= (matrix[i * n + k] as number) * (matrix[j * n + k] as number);
      matrix[i * n + j] = sum / root;
    }
  }
  const solution = Float64Array.from(vector);
  for (let i = 0; i < n; i++) {
    let sum = solution[i] as number;
    for (let k = 0; k < i; k++) sum -= (matrix[i * n + k] as number) * (solution[k] as number);
    solution[i] = sum / (matrix[i * n + i] as number);
  }
  for (let i = n - 1; i >= 0; i--) {
    let sum = solution[i] as number;
    for (let k = i + 1; k < n; k++) sum -= (matrix[k * n + i] as number) * (solution[k] as number);
    solution[i] = sum / (matrix[i * n + i] as number);
  }
  return solution;
}

/**
 * Fits the model by damped Newton steps: each step solves the penalised Hessian system exactly
 * and is halved until the objective does not rise, so the fit converges even on separable data
 * (the L2 term keeps the optimum finite). Stops when no coefficient moves by more than 1e-9.
 */
export function fitLogistic(problem: LogisticProblem): LogisticFit {
  const n = problem.columns + 1; // the intercept is coefficient 0
  const coefficients = new Float64Array(n);
  coefficients[0] = problem.startIntercept ?? 0;
  let current = objective(problem, coefficients);
  let iterations = 0;
  let converged = false;
  while (iterations < problem.maxIterations && !converged) {
    iterations++;
    const gradient = new Float64Array(n);
    const hessian = new Float64Array(n * n);
    for (let i = 0; i < problem.rows.length; i++) {
      const row = problem.rows[i] as Float64Array;
      const p = sigmoid(linear(row, coefficients));
      const weight = problem.sampleWeights[i] as number;
      const residual = weight * (p - (problem.labels[i] as number));
      const curvature = weight * p * (1 - p);
      gradient[0] = (gradient[0] as number) + residual;
      hessian[0] = (hessian[0] as number) + curvature;
      for (let a = 0; a < row.length; a++) {
        const xa = row[a] as number;
        if (xa === 0) continue;
        gradient[a + 1] = (gradient[a + 1] as number) + residual * xa;
        hessian[a + 1] = (hessian[a + 1] as number) + curvature * xa; // row 0, column a + 1
        const base = (a + 1) * n + 1;
        for (let b = 0; b <= a; b++)
          hessian[base + b] = (hessian[base + b] as number) + curvature * xa * (row[b] as number);
      }
    }
    for (let a = 1; a < n; a++) {
      gradient[a] = (gradient[a] as number) + problem.l2 * (coefficients[a] as number);
      hessian[a * n + a] = (hessian[a * n + a] as number) + problem.l2;
      hessian[a * n] = hessian[a] as number; // column 0 from row 0
      for (let b = 1; b < a; b++) hessian[b * n + a] = hessian[a * n + b] as number;
    }
    hessian[0] = (hessian[0] as number) + 1e-9; // a tiny ridge on the intercept keeps it positive definite
    const step = choleskySolve(hessian, gradient, n);
    if (step === undefined) break;
    let scale = 1;
    let accepted = false;
    while (scale > 1e-6) {
      const candidate = coefficients.map((value, index) => value - scale * (step[index] as number));
      const value = objective(problem, candidate);
      if (value <= current) {
        const moved = step.reduce((largest, delta) => Math.max(largest, Math.abs(scale * delta)), 0);
        coefficients.set(candidate);
        current = value;
        accepted = true;
        converged = moved < tolerance;
        break;
      }
      scale /= 2;
    }
    if (!accepted) converged = true; // no step lowers the objective: at the optimum within rounding
  }
  return { intercept: coefficients[0] as number, weights: [...coefficients.subarray(1)], iterations, converged };
}
