import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { bigintAsNumber, ISO_TIMESTAMP_LENGTH } from '../columns';

/** Something the shop got wrong: what happened, who it harmed, and what it owes them. */
@Entity('incidents')
export class Incident {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ type: 'varchar', length: 200 })
  title: string;

  /** What happened, in the business's own active words: "We shipped your order nine days late." */
  @Column({ type: 'text' })
  description: string;

  /** What we are doing about it, and by when. */
  @Column({ type: 'text', nullable: true })
  plan: string | null;

  /** `amount` (make_good_value is a decimal string) or `percent` (of each customer's harmed amount). */
  @Column({ name: 'make_good_kind', type: 'varchar', length: 8 })
  makeGoodKind: 'amount' | 'percent';

  @Column({ name: 'make_good_value', type: 'varchar', length: 20 })
  makeGoodValue: string;

  @Column({ type: 'varchar', length: 3 })
  currency: string;

  @Column({ type: 'varchar', length: 10 })
  status: 'open' | 'resolved';

  @Column({ name: 'created_at', type: 'varchar', length: ISO_TIMESTAMP_LENGTH })
  createdAt: string;

  @Column({ name: 'resolved_at', type: 'varchar', length: ISO_TIMESTAMP_LENGTH, nullable: true })
  resolvedAt: string | null;
}

@Entity('incident_customers')
@Index('incident_customers_unique', ['incidentId', 'customerId'], { unique: true })
export class IncidentCustomer {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ name: 'incident_id', type: 'integer' })
  incidentId: number;

  @Column({ name: 'customer_id', type: 'integer' })
  customerId: number;

  @Column({ name: 'harmed_minor', type: 'bigint', transformer: bigintAsNumber, nullable: true })
  harmedMinor: number | null;

  @Column({ name: 'order_id', type: 'varchar', length: 191, nullable: true })
  orderId: string | null;
}

/** Progress updates and the resolution, each sent to everyone affected who has not asked us to stop. */
@Entity('incident_updates')
export class IncidentUpdate {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ name: 'incident_id', type: 'integer' })
  incidentId: number;

  @Column({ type: 'varchar', length: 12 })
  kind: 'update' | 'resolution';

  @Column({ type: 'text' })
  message: string;

  @Column({ type: 'varchar', length: ISO_TIMESTAMP_LENGTH })
  at: string;
}
