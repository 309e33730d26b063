import { Column, Entity, PrimaryColumn } from 'typeorm';
import { ISO_TIMESTAMP_LENGTH } from '../columns';

export type ApiRole = 'owner' | 'marketer' | 'checkout';

/** Only the SHA-256 of the secret is stored; the key itself is shown once at creation. */
@Entity('api_keys')
export class ApiKey {
  @PrimaryColumn({ type: 'varchar', length: 32 })
  id: string;

  @Column({ type: 'varchar', length: 16 })
  role: ApiRole;

  @Column({ name: 'secret_hash', type: 'varchar', length: 64 })
  secretHash: string;

  @Column({ type: 'varchar', length: 200, nullable: true })
  label: string | null;

  @Column({ name: 'created_at', type: 'varchar', length: ISO_TIMESTAMP_LENGTH })
  createdAt: string;

  @Column({ name: 'revoked_at', type: 'varchar', length: ISO_TIMESTAMP_LENGTH, nullable: true })
  revokedAt: string | null;
}
