/**
 * The console's staff users: created from the CLI or by an owner in the console, disabled (never
 * deleted, so their name stays on what they did), and checked at sign-in. Disabling ends every
 * session of the user in the same transaction.
 */
import { z } from 'zod';
import type { Clock } from '../clock';
import type { Database } from '../db/database';
import { StaffSession, StaffUser, StaffUserRole } from '../db/entities/Staff';
import { ConflictError, InputError, NotFoundError } from '../domain/errors';
import { checkPassword, dummyHash, hashPassword, verifyPassword } from './passwords';

export const STAFF_USER_ROLES: readonly StaffUserRole[] = ['owner', 'marketer'];

export interface NewStaffUser {
  email: string;
  role: string;
  name?: string;
  password: string;
}

/** What lists show: never the hash. */
export interface StaffUserView {
  id: number;
  email: string;
  name: string | null;
  role: StaffUserRole;
  createdAt: string;
  disabledAt: string | null;
}

export type SignInResult = { ok: true; user: StaffUser } | { ok: false; reason: 'unknown' | 'wrong-password' | 'disabled' };

export const normalEmail = (email: string) => email.trim().toLowerCase();

const view = (u: StaffUser): StaffUserView => ({ id: u.id, email: u.email, name: u.name, role: u.role, createdAt: u.createdAt, disabledAt: u.disabledAt });

export class StaffUsers {
  constructor(private readonly db: Database, private readonly clock: Clock) {}

  async create(input: NewStaffUser): Promise<StaffUserView> {
    const email = normalEmail(input.email);
    if (!z.string().email().safeParse(email).success) throw new InputError(`"${input.email}" is not an email address like maria@shop.example`, { field: 'email' });
    if (!(STAFF_USER_ROLES as string[]).includes(input.role)) throw new InputError(`"${input.role}" is not a role; use owner or marketer`, { field: 'role' });
    const name = input.name?.trim() || null;
    if (name && name.length > 200) throw new InputError('is longer than 200 characters', { field: 'name' });
    checkPassword(input.password);
    const passwordHash = await hashPassword(input.password);
    return this.db.write(async (tx) => {
      const repo = tx.getRepository(StaffUser);
      if (await repo.existsBy({ email })) throw new ConflictError(`a staff user with email ${email} exists already`);
      const row = repo.create({ email, name, role: input.role as StaffUserRole, passwordHash, disabledAt: null, createdAt: this.clock().toISOString() });
      return view(await repo.save(row));
    });
  }

  async list(): Promise<StaffUserView[]> {
    return (await this.db.reader.getRepository(StaffUser).find({ order: { email: 'ASC' } })).map(view);
  }

  async byId(id: number): Promise<StaffUser | null> {
    return this.db.reader.getRepository(StaffUser).findOneBy({ id });
  }

  /** Disables the user and ends their sessions; disabling twice changes nothing. */
  async disable(email: string): Promise<{ user: StaffUserView; sessionsEnded: number }> {
    const key = normalEmail(email);
    return this.db.write(async (tx) => {
      const repo = tx.getRepository(StaffUser);
      const user = await repo.findOneBy({ email: key });
      if (!user) throw new NotFoundError(`no staff user with email ${key}; \`rekindle users list\` shows them`);
      if (!user.disabledAt) {
        user.disabledAt = this.clock().toISOString();
        await repo.update({ id: user.id }, { disabledAt: user.disabledAt });
      }
      const ended = await tx.getRepository(StaffSession).delete({ userId: user.id });
      return { user: view(user), sessionsEnded: ended.affected ?? 0 };
    });
  }

  /**
   * Checks an email and password. An unknown email is checked against a dummy hash, so every
   * answer costs one scrypt; a disabled user is told so only after the right password.
   */
  async checkSignIn(email: string, password: string): Promise<SignInResult> {
    const user = await this.db.reader.getRepository(StaffUser).findOneBy({ email: normalEmail(email) });
    const matches = await verifyPassword(password, user?.passwordHash ?? (await dummyHash()));
    if (!user) return { ok: false, reason: 'unknown' };
    if (!matches) return { ok: false, reason: 'wrong-password' };
    if (user.disabledAt) return { ok: false, reason: 'disabled' };
    return { ok: true, user };
  }
}
