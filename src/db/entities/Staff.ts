import { Column, Entity, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';
import { ISO_TIMESTAMP_LENGTH } from '../columns';

export type StaffUserRole = 'owner' | 'marketer';

/** A person who signs in to the console. `email` is trimmed and lower-cased; `passwordHash` is `scrypt$N$r$p$salt$hash`. */
@Entity('staff_users')
export class StaffUser {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ type: 'varchar', length: 320 })
  email: string;

  /** How replies are signed; null: the email is shown. */
  @Column({ type: 'varchar', length: 200, nullable: true })
  name: string | null;

  @Column({ type: 'varchar', length: 16 })
  role: StaffUserRole;

  @Column({ name: 'password_hash', type: 'varchar', length: 255 })
  passwordHash: string;

  @Column({ name: 'disabled_at', type: 'varchar', length: ISO_TIMESTAMP_LENGTH, nullable: true })
  disabledAt: string | null;

  @Column({ name: 'created_at', type: 'varchar', length: ISO_TIMESTAMP_LENGTH })
  createdAt: string;
}

/** A signed-in browser. `id` is the SHA-256 (hex) of the cookie's token; the token itself is never stored. */
@Entity('staff_sessions')
export class StaffSession {
  @PrimaryColumn({ type: 'varchar', length: 64 })
  id: string;

  @Column({ name: 'user_id', type: 'integer' })
  userId: number;

  @Column({ name: 'created_at', type: 'varchar', length: ISO_TIMESTAMP_LENGTH })
  createdAt: string;

  @Column({ name: 'last_seen_at', type: 'varchar', length: ISO_TIMESTAMP_LENGTH })
  lastSeenAt: string;

  /** The absolute end: created + the longest a session may live. The idle end is last seen + the idle time. */
  @Column({ name: 'expires_at', type: 'varchar', length: ISO_TIMESTAMP_LENGTH })
  expiresAt: string;
}
