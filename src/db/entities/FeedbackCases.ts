import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import type { CaseState, ReplyStatus } from '../../domain/feedbackCase';
import { ISO_TIMESTAMP_LENGTH } from '../columns';

const at = (name: string, nullable = false) => ({ name, type: 'varchar' as const, length: ISO_TIMESTAMP_LENGTH, nullable });

/** One conversation with one customer (src/domain/feedbackCase.ts): their messages are feedback rows. */
@Entity('feedback_cases')
@Index('feedback_cases_state', ['state', 'customerAt'])
export class FeedbackCase {
  @PrimaryGeneratedColumn()
  id: number;

  @Index('feedback_cases_customer')
  @Column({ name: 'customer_id', type: 'integer', nullable: true })
  customerId: number | null;

  /** Where replies go: the customer's address, or the sender of a forwarded email. */
  @Column({ type: 'varchar', length: 320, nullable: true })
  email: string | null;

  @Column({ type: 'varchar', length: 200, nullable: true })
  name: string | null;

  @Column({ type: 'text', nullable: true })
  subject: string | null;

  /** The run the latest message came through, when known: its spokesperson's inbox gets the answers. */
  @Column({ name: 'run_id', type: 'integer', nullable: true })
  runId: number | null;

  @Column({ type: 'varchar', length: 10 })
  state: CaseState;

  @Column({ name: 'assignee_id', type: 'integer', nullable: true })
  assigneeId: number | null;

  @Column({ name: 'assignee_name', type: 'varchar', length: 200, nullable: true })
  assigneeName: string | null;

  @Column(at('opened_at'))
  openedAt: string;

  @Column(at('customer_at'))
  customerAt: string;

  @Column(at('replied_at', true))
  repliedAt: string | null;

  @Column(at('resolved_at', true))
  resolvedAt: string | null;

  @Column(at('updated_at'))
  updatedAt: string;
}

/** One reply written in the console, recorded `sending` before it is handed to the mailer. */
@Entity('feedback_replies')
export class FeedbackReply {
  @PrimaryGeneratedColumn()
  id: number;

  @Index('feedback_replies_case')
  @Column({ name: 'case_id', type: 'integer' })
  caseId: number;

  /** The case's customer (null for a sender no customer has): what forgetting them finds. */
  @Index('feedback_replies_customer')
  @Column({ name: 'customer_id', type: 'integer', nullable: true })
  customerId: number | null;

  @Column({ name: 'staff_id', type: 'integer', nullable: true })
  staffId: number | null;

  @Column({ name: 'staff_name', type: 'varchar', length: 200 })
  staffName: string;

  @Column({ name: 'to_email', type: 'varchar', length: 320 })
  toEmail: string;

  @Column({ type: 'text' })
  subject: string;

  @Column({ type: 'text' })
  body: string;

  @Index('feedback_replies_message_id', { unique: true })
  @Column({ name: 'message_id', type: 'varchar', length: 255 })
  messageId: string;

  @Column({ name: 'in_reply_to', type: 'varchar', length: 255 })
  inReplyTo: string;

  /** Space-separated Message-IDs, oldest first. */
  @Column({ name: 'references_ids', type: 'text' })
  referencesIds: string;

  @Column({ type: 'varchar', length: 10 })
  status: ReplyStatus;

  @Column({ type: 'integer' })
  attempts: number;

  @Column({ type: 'text', nullable: true })
  detail: string | null;

  @Index('feedback_replies_key', { unique: true })
  @Column({ name: 'idempotency_key', type: 'varchar', length: 80 })
  idempotencyKey: string;

  @Column(at('created_at'))
  createdAt: string;

  @Column(at('sent_at', true))
  sentAt: string | null;

  @Column(at('updated_at'))
  updatedAt: string;
}
