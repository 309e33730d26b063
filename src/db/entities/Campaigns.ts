import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { bigintAsNumber, ISO_TIMESTAMP_LENGTH } from '../columns';
import type { SendStatus } from '../../domain/sendStatus';

export type RunState = 'active' | 'paused' | 'cancelled' | 'completed';

/** One launch of a campaign; the definition is frozen into it so later edits change nothing already launched. */
@Entity('campaign_runs')
export class CampaignRun {
  @PrimaryGeneratedColumn()
  id: number;

  @Index('campaign_runs_campaign')
  @Column({ type: 'varchar', length: 80 })
  campaign: string;

  /** The validated campaign definition as launched (JSON). */
  @Column({ type: 'text' })
  definition: string;

  @Column({ type: 'varchar', length: 12 })
  state: RunState;

  @Column({ name: 'state_reason', type: 'text', nullable: true })
  stateReason: string | null;

  @Column({ name: 'model_version', type: 'integer', nullable: true })
  modelVersion: number | null;

  @Column({ name: 'incident_id', type: 'integer', nullable: true })
  incidentId: number | null;

  @Column({ type: 'varchar', length: 3 })
  currency: string;

  @Column({ name: 'launched_at', type: 'varchar', length: ISO_TIMESTAMP_LENGTH })
  launchedAt: string;
}

/** A customer's membership in a run: holdout or treated, with the budget and offer fixed at launch. */
@Entity('enrolments')
@Index('enrolments_run_customer', ['runId', 'customerId'], { unique: true })
export class Enrolment {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ name: 'run_id', type: 'integer' })
  runId: number;

  @Index('enrolments_customer')
  @Column({ name: 'customer_id', type: 'integer' })
  customerId: number;

  @Column({ type: 'boolean' })
  holdout: boolean;

  /** `offer`, `nostalgia-only` or `make-good`. */
  @Column({ type: 'varchar', length: 16 })
  treatment: string;

  @Column({ name: 'budget_minor', type: 'bigint', transformer: bigintAsNumber })
  budgetMinor: number;

  /** The chosen rung (JSON) or null. */
  @Column({ type: 'text', nullable: true })
  offer: string | null;

  @Column({ name: 'expected_cost_minor', type: 'bigint', transformer: bigintAsNumber })
  expectedCostMinor: number;

  @Column({ name: 'value_minor', type: 'bigint', transformer: bigintAsNumber })
  valueMinor: number;

  /** The customer's own history at launch (JSON): first order day, orders, favourite products. */
  @Column({ type: 'text', nullable: true })
  facts: string | null;

  @Column({ name: 'offer_expires_at', type: 'varchar', length: ISO_TIMESTAMP_LENGTH, nullable: true })
  offerExpiresAt: string | null;

  @Column({ name: 'enrolled_at', type: 'varchar', length: ISO_TIMESTAMP_LENGTH })
  enrolledAt: string;

  @Column({ name: 'exited_at', type: 'varchar', length: ISO_TIMESTAMP_LENGTH, nullable: true })
  exitedAt: string | null;

  @Column({ name: 'exit_reason', type: 'varchar', length: 20, nullable: true })
  exitReason: string | null;
}

/** One email to one customer for one step. Exists before the SMTP call; unique per enrolment and step. */
@Entity('sends')
@Index('sends_enrolment_step', ['enrolmentId', 'step'], { unique: true })
@Index('sends_due', ['status', 'dueAt'])
@Index('sends_run_step', ['runId', 'step', 'status', 'attempts'])
@Index('sends_claimed_by', ['claimedBy'])
export class Send {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ name: 'enrolment_id', type: 'integer' })
  enrolmentId: number;

  @Column({ name: 'run_id', type: 'integer' })
  runId: number;

  @Index('sends_customer')
  @Column({ name: 'customer_id', type: 'integer' })
  customerId: number;

  /** 1-based. */
  @Column({ type: 'integer' })
  step: number;

  @Column({ type: 'varchar', length: 12 })
  status: SendStatus;

  @Column({ name: 'due_at', type: 'varchar', length: ISO_TIMESTAMP_LENGTH })
  dueAt: string;

  @Column({ type: 'integer', default: 0 })
  attempts: number;

  @Column({ name: 'claimed_by', type: 'varchar', length: 64, nullable: true })
  claimedBy: string | null;

  @Column({ name: 'claimed_at', type: 'varchar', length: ISO_TIMESTAMP_LENGTH, nullable: true })
  claimedAt: string | null;

  /** Until when the claim holds; its worker renews it while working (a dead worker's runs out). */
  @Column({ name: 'lease_until', type: 'varchar', length: ISO_TIMESTAMP_LENGTH, nullable: true })
  leaseUntil: string | null;

  /** When the claimed send was handed to the mailer: from then on it may have left. */
  @Column({ name: 'handed_at', type: 'varchar', length: ISO_TIMESTAMP_LENGTH, nullable: true })
  handedAt: string | null;

  @Column({ name: 'sent_at', type: 'varchar', length: ISO_TIMESTAMP_LENGTH, nullable: true })
  sentAt: string | null;

  @Column({ name: 'message_id', type: 'varchar', length: 255, nullable: true })
  messageId: string | null;

  @Column({ type: 'text', nullable: true })
  detail: string | null;
}

/** `forgotten` rows hold no address, only its keyed hash (src/privacy/forgottenAddresses.ts). */
export type SuppressionReason = 'unsubscribed' | 'bounced' | 'complained' | 'forgotten';

/** Addresses never to email again: unsubscribed, bounced, complained, or erased on request. */
@Entity('suppressions')
export class Suppression {
  @Column({ type: 'varchar', length: 320, primary: true })
  email: string;

  @Column({ type: 'varchar', length: 16 })
  reason: SuppressionReason;

  @Column({ type: 'varchar', length: 40 })
  source: string;

  @Column({ type: 'varchar', length: ISO_TIMESTAMP_LENGTH })
  at: string;
}

/** Everything that happens around a send, for the report: sent, open, click, redeem, unsubscribe, order, feedback. */
@Entity('events')
@Index('events_run_type', ['runId', 'type'])
export class CampaignEvent {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ type: 'varchar', length: 20 })
  type: string;

  @Column({ name: 'customer_id', type: 'integer', nullable: true })
  customerId: number | null;

  @Column({ name: 'run_id', type: 'integer', nullable: true })
  runId: number | null;

  @Column({ name: 'send_id', type: 'integer', nullable: true })
  sendId: number | null;

  @Column({ type: 'varchar', length: ISO_TIMESTAMP_LENGTH })
  at: string;

  @Column({ type: 'text', nullable: true })
  data: string | null;
}
