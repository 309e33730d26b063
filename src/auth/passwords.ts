/**
 * Staff passwords, hashed with scrypt (a slow, memory-hard KDF: a stolen database costs an
 * attacker about as much per guess as it costs us per sign-in). The stored form carries its
 * parameters and salt, `scrypt$N$r$p$salt$hash`, so the cost can be raised later without
 * breaking the hashes already stored.
 */
import { randomBytes, scrypt, ScryptOptions, timingSafeEqual } from 'node:crypto';
import { InputError } from '../domain/errors';

export const MIN_PASSWORD_LENGTH = 12;

/** N = 2^15, r = 8: 32 MiB and tens of milliseconds per hash on one core. */
const DEFAULT_PARAMS = { N: 2 ** 15, r: 8, p: 1 };
const KEY_LENGTH = 32;

function derive(password: string, salt: Buffer, params: { N: number; r: number; p: number }): Promise<Buffer> {
  // scrypt needs 128·N·r bytes; Node's default ceiling (32 MiB) is exactly the default's need, so leave room.
  const options: ScryptOptions = { ...params, maxmem: 256 * params.N * params.r };
  return new Promise((resolve, reject) => scrypt(password, salt, KEY_LENGTH, options, (error, key) => (error ? reject(error) : resolve(key))));
}

/** Refuses what is not a password worth storing; the message says why. */
export function checkPassword(password: string, field = 'password'): void {
  if (password.trim() === '') throw new InputError('is empty; choose a password of at least 12 characters', { field });
  if ([...password].length < MIN_PASSWORD_LENGTH) {
    throw new InputError(`is ${[...password].length} characters long; use at least ${MIN_PASSWORD_LENGTH} (a few words make a good one)`, { field });
  }
}

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await derive(password, salt, DEFAULT_PARAMS);
  const { N, r, p } = DEFAULT_PARAMS;
  return ['scrypt', N, r, p, salt.toString('base64url'), key.toString('base64url')].join('$');
}

/** Whether `password` matches `stored`; false for a malformed hash rather than an error. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [kind, N, r, p, salt, key] = stored.split('$');
  if (kind !== 'scrypt' || !key) return false;
  const expected = Buffer.from(key, 'base64url');
  const actual = await derive(password, Buffer.from(salt, 'base64url'), { N: Number(N), r: Number(r), p: Number(p) });
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

let dummy: Promise<string> | undefined;

/**
 * A hash of a random password, made once: an unknown email is checked against it so the answer
 * takes as long as for a known one, and the timing does not tell which emails have accounts.
 */
export function dummyHash(): Promise<string> {
  return (dummy ??= hashPassword(randomBytes(16).toString('hex')));
}
