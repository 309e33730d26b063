import { Column, Entity, Index, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';
import { bigintAsNumber, ISO_TIMESTAMP_LENGTH } from '../columns';

/** Who, in which run, from which send: what codes, redemptions and feedback are attributed to. */
abstract class Attributed {
  @Column({ name: 'customer_id', type: 'integer' })
  customerId: number;

  @Column({ name: 'run_id', type: 'integer' })
  runId: number;

  /** The send whose email led here: for the report, the campaign step. */
  @Column({ name: 'send_id', type: 'integer', nullable: true })
  sendId: number | null;
}

/** The redeemable string of one offer, issued on the customer's first redeem; its terms are frozen then. */
@Entity('codes')
export class Code extends Attributed {
  @PrimaryGeneratedColumn()
  id: number;

  /** `WELCOME-7KQ2M9-XD3PRA-H4TWQ8`: upper case, no look-alike characters. */
  @Index('codes_code', { unique: true })
  @Column({ type: 'varchar', length: 40 })
  code: string;

  @Index('codes_enrolment', { unique: true })
  @Column({ name: 'enrolment_id', type: 'integer' })
  enrolmentId: number;

  /** The offer rung as issued (JSON, money as decimal strings). */
  @Column({ type: 'text' })
  discount: string;

  @Column({ type: 'varchar', length: 3 })
  currency: string;

  @Column({ name: 'expires_at', type: 'varchar', length: ISO_TIMESTAMP_LENGTH })
  expiresAt: string;

  @Column({ name: 'issued_at', type: 'varchar', length: ISO_TIMESTAMP_LENGTH })
  issuedAt: string;

  @Column({ name: 'redeemed_order_id', type: 'varchar', length: 191, nullable: true })
  redeemedOrderId: string | null;

  @Column({ name: 'redeemed_at', type: 'varchar', length: ISO_TIMESTAMP_LENGTH, nullable: true })
  redeemedAt: string | null;

  /** Last time a cancelled order gave the code back. */
  @Column({ name: 'released_at', type: 'varchar', length: ISO_TIMESTAMP_LENGTH, nullable: true })
  releasedAt: string | null;
}

/** A code used on one order; the order id makes a repeated checkout call return the same answer. */
@Entity('redemptions')
export class Redemption extends Attributed {
  @PrimaryColumn({ name: 'order_id', type: 'varchar', length: 191 })
  orderId: string;

  @Index('redemptions_code')
  @Column({ name: 'code_id', type: 'integer' })
  codeId: number;

  @Column({ name: 'order_total_minor', type: 'bigint', transformer: bigintAsNumber })
  orderTotalMinor: number;

  @Column({ name: 'discount_minor', type: 'bigint', transformer: bigintAsNumber })
  discountMinor: number;

  @Column({ type: 'varchar', length: 3 })
  currency: string;

  @Column({ name: 'redeemed_at', type: 'varchar', length: ISO_TIMESTAMP_LENGTH })
  redeemedAt: string;

  @Column({ name: 'released_at', type: 'varchar', length: ISO_TIMESTAMP_LENGTH, nullable: true })
  releasedAt: string | null;
}

/**
 * A customer's own words: from the welcome-back page ("how can we make it right?", linked to the
 * run, send and incident) or an email forwarded from the spokesperson's inbox (its Message-ID,
 * subject and sender kept; run and customer when they are known). Each belongs to a case.
 */
@Entity('feedback')
@Index('feedback_run', ['runId'])
export class Feedback {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ name: 'customer_id', type: 'integer', nullable: true })
  customerId: number | null;

  @Column({ name: 'run_id', type: 'integer', nullable: true })
  runId: number | null;

  @Column({ name: 'send_id', type: 'integer', nullable: true })
  sendId: number | null;

  @Column({ name: 'incident_id', type: 'integer', nullable: true })
  incidentId: number | null;

  @Column({ type: 'text' })
  message: string;

  @Column({ type: 'varchar', length: ISO_TIMESTAMP_LENGTH })
  at: string;

  @Index('feedback_case')
  @Column({ name: 'case_id', type: 'integer', nullable: true })
  caseId: number | null;

  /** `page` or `email`. */
  @Column({ type: 'varchar', length: 8, default: 'page' })
  source: string;

  @Index('feedback_message_id', { unique: true })
  @Column({ name: 'message_id', type: 'varchar', length: 255, nullable: true })
  messageId: string | null;

  @Column({ type: 'text', nullable: true })
  subject: string | null;

  @Column({ name: 'from_email', type: 'varchar', length: 320, nullable: true })
  fromEmail: string | null;

  @Column({ name: 'from_name', type: 'varchar', length: 200, nullable: true })
  fromName: string | null;
}
