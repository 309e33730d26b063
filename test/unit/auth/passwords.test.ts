/** Staff passwords: scrypt with its parameters and salt in the stored form; checked in constant time. */
import { checkPassword, hashPassword, verifyPassword } from '../../../src/auth/passwords';

describe('staff passwords', () => {
  it('stores scrypt with its parameters and a fresh salt, and verifies only the right password', async () => {
    const a = await hashPassword('correct horse battery staple');
    const b = await hashPassword('correct horse battery staple');
    expect(a).toMatch(/^scrypt\$32768\$8\$1\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/);
    expect(a).not.toBe(b);
    expect(await verifyPassword('correct horse battery staple', a)).toBe(true);
    expect(await verifyPassword('correct horse battery stapler', a)).toBe(false);
    expect(await verifyPassword('correct horse battery staple', 'bcrypt$whatever')).toBe(false);
  });

  it('verifies with the parameters stored in the hash, so the cost can change later', async () => {
    const [, , , , salt] = (await hashPassword('x'.repeat(12))).split('$');
    const { scryptSync } = await import('node:crypto');
    const cheap = ['scrypt', 1024, 8, 1, salt, scryptSync('an older password', Buffer.from(salt, 'base64url'), 32, { N: 1024, r: 8, p: 1 }).toString('base64url')].join('$');
    expect(await verifyPassword('an older password', cheap)).toBe(true);
  });

  it('refuses empty and short passwords, counting characters not bytes', () => {
    expect(() => checkPassword('   ')).toThrow('password: is empty');
    expect(() => checkPassword('short')).toThrow('password: is 5 characters long; use at least 12');
    expect(() => checkPassword('ééééééééééé')).toThrow('is 11 characters long');
    expect(() => checkPassword('twelve chars')).not.toThrow();
  });
});
