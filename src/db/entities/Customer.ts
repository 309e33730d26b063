import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { ISO_TIMESTAMP_LENGTH } from '../columns';

export type ConsentState = 'yes' | 'no' | 'unknown';

@Entity('customers')
export class Customer {
  @PrimaryGeneratedColumn()
  id: number;

  /** The shop's own id for the customer (generic `customer_id`, CDNOW id), when it has one. */
  @Index('customers_external_id', { unique: true })
  @Column({ name: 'external_id', type: 'varchar', length: 191, nullable: true })
  externalId: string | null;

  /** Trimmed and lower-cased; identifies the customer when there is no external id. */
  @Index('customers_email')
  @Column({ type: 'varchar', length: 320, nullable: true })
  email: string | null;

  @Column({ name: 'first_name', type: 'varchar', length: 200, nullable: true })
  firstName: string | null;

  @Column({ name: 'last_name', type: 'varchar', length: 200, nullable: true })
  lastName: string | null;

  @Column({ type: 'varchar', length: 8, default: 'unknown' })
  consent: ConsentState;

  /** Where the consent came from (`csv:shopify`, `api`, `webhook:shopify`, ...). */
  @Column({ name: 'consent_source', type: 'varchar', length: 40, nullable: true })
  consentSource: string | null;

  @Column({ name: 'consent_at', type: 'varchar', length: ISO_TIMESTAMP_LENGTH, nullable: true })
  consentAt: string | null;

  /** Time of the information that set the name and email; older rows never overwrite newer. */
  @Column({ name: 'profile_at', type: 'varchar', length: ISO_TIMESTAMP_LENGTH, nullable: true })
  profileAt: string | null;

  @Column({ name: 'created_at', type: 'varchar', length: ISO_TIMESTAMP_LENGTH })
  createdAt: string;

  @Column({ name: 'updated_at', type: 'varchar', length: ISO_TIMESTAMP_LENGTH })
  updatedAt: string;
}
