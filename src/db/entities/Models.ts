import { Column, Entity, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';
import { bigintAsNumber, ISO_TIMESTAMP_LENGTH } from '../columns';

/** A fitted BG/NBD + Gamma-Gamma model; its id is the model version scores refer to. */
@Entity('model_fits')
export class ModelFit {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ name: 'fitted_at', type: 'varchar', length: ISO_TIMESTAMP_LENGTH })
  fittedAt: string;

  @Column({ name: 'calibration_end', type: 'varchar', length: 10 })
  calibrationEnd: string;

  @Column({ name: 'time_unit', type: 'varchar', length: 8 })
  timeUnit: 'week' | 'day';

  @Column({ type: 'varchar', length: 3 })
  currency: string;

  /** JSON: {r, alpha, a, b, logLikelihood, converged, ...}. */
  @Column({ type: 'text' })
  bgnbd: string;

  /** JSON: {p, q, gamma, logLikelihood, converged, ...}. */
  @Column({ name: 'gamma_gamma', type: 'text' })
  gammaGamma: string;

  /** JSON list of caveats. */
  @Column({ type: 'text' })
  diagnostics: string;

  @Column({ type: 'integer' })
  customers: number;

  @Column({ name: 'repeat_customers', type: 'integer' })
  repeatCustomers: number;

  @Column({ name: 'data_from', type: 'varchar', length: 10, nullable: true })
  dataFrom: string | null;
}

/** A customer's score under one model version, as of a day; campaigns keep the numbers they launched with. */
@Entity({ name: 'customer_scores', withoutRowid: true })
export class CustomerScore {
  @PrimaryColumn({ name: 'model_version', type: 'integer' })
  modelVersion: number;

  @PrimaryColumn({ name: 'as_of', type: 'varchar', length: 10 })
  asOf: string;

  @PrimaryColumn({ name: 'customer_id', type: 'integer' })
  customerId: number;

  @Column({ type: 'double precision' }) x: number;
  @Column({ type: 'double precision' }) tx: number;
  @Column({ name: 't', type: 'double precision' }) T: number;
  @Column({ type: 'double precision' }) monetary: number;
  @Column({ name: 'p_alive', type: 'double precision' }) pAlive: number;
  @Column({ name: 'expected_purchases', type: 'double precision' }) expectedPurchases: number;
  @Column({ name: 'expected_spend', type: 'double precision' }) expectedSpend: number;

  @Column({ name: 'clv_as_is_minor', type: 'bigint', transformer: bigintAsNumber }) clvAsIsMinor: number;
  @Column({ name: 'clv_if_won_minor', type: 'bigint', transformer: bigintAsNumber }) clvIfWonMinor: number;
  @Column({ name: 'value_minor', type: 'bigint', transformer: bigintAsNumber }) valueMinor: number;
  @Column({ name: 'budget_minor', type: 'bigint', transformer: bigintAsNumber }) budgetMinor: number;

  @Column({ name: 'budget_rule', type: 'varchar', length: 8 })
  budgetRule: string;

  /** `offer`, `nostalgia-only` or `excluded`, as decided with the shop's ladder. */
  @Column({ type: 'varchar', length: 16 })
  treatment: string;

  @Column({ name: 'offer_id', type: 'varchar', length: 64, nullable: true })
  offerId: string | null;

  /** Last purchase day on or before `asOf`: audience rules ("lapsed for 180 days") read it. */
  @Column({ name: 'last_order_day', type: 'varchar', length: 10 })
  lastOrderDay: string;

  @Column({ name: 'scored_at', type: 'varchar', length: ISO_TIMESTAMP_LENGTH })
  scoredAt: string;

  /** 90% intervals (parameter uncertainty); null when the run had none. */
  @Column({ name: 'p_alive_low', type: 'double precision', nullable: true }) pAliveLow: number | null;
  @Column({ name: 'p_alive_high', type: 'double precision', nullable: true }) pAliveHigh: number | null;
  @Column({ name: 'expected_purchases_low', type: 'double precision', nullable: true }) expectedPurchasesLow: number | null;
  @Column({ name: 'expected_purchases_high', type: 'double precision', nullable: true }) expectedPurchasesHigh: number | null;
  @Column({ name: 'clv_as_is_low_minor', type: 'bigint', nullable: true, transformer: bigintAsNumber }) clvAsIsLowMinor: number | null;
  @Column({ name: 'clv_as_is_high_minor', type: 'bigint', nullable: true, transformer: bigintAsNumber }) clvAsIsHighMinor: number | null;
  @Column({ name: 'clv_if_won_low_minor', type: 'bigint', nullable: true, transformer: bigintAsNumber }) clvIfWonLowMinor: number | null;
  @Column({ name: 'clv_if_won_high_minor', type: 'bigint', nullable: true, transformer: bigintAsNumber }) clvIfWonHighMinor: number | null;
  @Column({ name: 'value_low_minor', type: 'bigint', nullable: true, transformer: bigintAsNumber }) valueLowMinor: number | null;
  @Column({ name: 'value_high_minor', type: 'bigint', nullable: true, transformer: bigintAsNumber }) valueHighMinor: number | null;
}
