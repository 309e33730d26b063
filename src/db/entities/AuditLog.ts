import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { ISO_TIMESTAMP_LENGTH } from '../columns';

/** Who did what to what, and when: imports, launches, run changes, exports, forgets, keys. Never updated. */
@Entity('audit_log')
@Index('audit_log_at', ['at'])
export class AuditEntry {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ type: 'varchar', length: ISO_TIMESTAMP_LENGTH })
  at: string;

  /** `cli:<os user>`, `api:<key id>`, `console:<staff email>` or `system`. */
  @Column({ type: 'varchar', length: 200 })
  actor: string;

  /** `import`, `launch`, `pause`, `resume`, `cancel`, `export`, `forget`, `key-create`, `key-revoke`. */
  @Column({ type: 'varchar', length: 20 })
  action: string;

  /** What it was done to: `run 3`, `orders.csv`, `customer 12`, `key 9f2c…`; never a customer's email. */
  @Column({ type: 'varchar', length: 500 })
  subject: string;

  /** JSON of the figures that say what changed (counts, campaign, role). */
  @Column({ type: 'text', nullable: true })
  detail: string | null;
}
