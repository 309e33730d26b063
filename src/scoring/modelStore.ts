/**
 * Fitted models in `model_fits`. A row's id is the model version: scores and campaign runs name
 * it, and a later fit adds a row instead of changing one, so numbers a campaign launched with
 * can always be traced to the parameters that made them.
 */
import type { Database } from '../db/database';
import { ModelFit } from '../db/entities';
import { ConflictError } from '../domain/errors';
import type { GammaGammaParams } from '../domain/gammaGamma';
import type { PurchaseParams } from '../domain/purchaseModel';
import type { TimeUnit } from '../domain/rfm';
import type { Warning } from './diagnostics';

export interface FitSummary {
  logLikelihood: number;
  converged: boolean;
  hitBound: boolean;
  iterations: number;
  starts: number;
  agreeingStarts: number;
  customers: number;
  /** In the order of the parameters; absent in models fitted before issue 14, null where not identified. */
  standardErrors?: Array<number | null>;
  covariance?: Array<Array<number | null>>;
}

export interface StoredModel {
  version: number;
  fittedAt: string;
  calibrationEnd: string;
  timeUnit: TimeUnit;
  currency: string;
  /** The purchase model, BG/NBD or Pareto/NBD (its parameters' names say which; purchaseModel.ts). */
  bgnbd: PurchaseParams & FitSummary;
  gammaGamma: GammaGammaParams & FitSummary;
  warnings: Warning[];
  customers: number;
  repeatCustomers: number;
  dataFrom: string | null;
}

export type NewModel = Omit<StoredModel, 'version'>;

export async function saveModel(db: Database, model: NewModel): Promise<StoredModel> {
  const row = await db.write((tx) =>
    tx.getRepository(ModelFit).save({
      fittedAt: model.fittedAt,
      calibrationEnd: model.calibrationEnd,
      timeUnit: model.timeUnit,
      currency: model.currency,
      bgnbd: JSON.stringify(model.bgnbd),
      gammaGamma: JSON.stringify(model.gammaGamma),
      diagnostics: JSON.stringify(model.warnings),
      customers: model.customers,
      repeatCustomers: model.repeatCustomers,
      dataFrom: model.dataFrom,
    }),
  );
  return { version: row.id, ...model };
}

/**
 * The newest model, checked against the shop currency it will score in and for a finite
 * expected spend. Refuses clearly when there is none: every score, advice and campaign needs one.
 */
export async function latestModel(db: Database, currency: string): Promise<StoredModel> {
  const [row] = await db.reader.getRepository(ModelFit).find({ order: { id: 'DESC' }, take: 1 });
  if (row === undefined) {
    throw new ConflictError('no model has been fitted yet: run `rekindle fit` first (after importing orders)');
  }
  const model = fromRow(row);
  if (model.currency !== currency) {
    throw new ConflictError(
      `model ${model.version} was fitted on ${model.currency} orders but the shop currency is ${currency}: run \`rekindle fit\` again`,
    );
  }
  if (!(model.gammaGamma.q > 1)) {
    throw new ConflictError(`model ${model.version} has q = ${model.gammaGamma.q} <= 1, an infinite expected spend: fit again with more data`);
  }
  return model;
}

/** The model a run launched with, by version; undefined if it is gone. */
export async function modelByVersion(db: Database, version: number): Promise<StoredModel | undefined> {
  const row = await db.reader.getRepository(ModelFit).findOne({ where: { id: version } });
  return row ? fromRow(row) : undefined;
}

function fromRow(row: ModelFit): StoredModel {
  return {
    version: row.id,
    fittedAt: row.fittedAt,
    calibrationEnd: row.calibrationEnd,
    timeUnit: row.timeUnit,
    currency: row.currency,
    bgnbd: JSON.parse(row.bgnbd),
    gammaGamma: JSON.parse(row.gammaGamma),
    warnings: JSON.parse(row.diagnostics),
    customers: row.customers,
    repeatCustomers: row.repeatCustomers,
    dataFrom: row.dataFrom,
  };
}

/** Whether any model has been fitted yet. */
export async function hasModel(db: Database): Promise<boolean> {
  const [row] = await db.reader.query('SELECT COUNT(*) AS n FROM model_fits');
  return Number(row.n) > 0;
}
