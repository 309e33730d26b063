/**
 * What a code looks like: `WELCOME-7KQ2-M9XD-3PRA-H4TW-Q8NZ`. Five random groups of four from
 * 30 characters carry 20 × log2(30) ≈ 98 bits, comfortably above the 80 asked for; the prefix
 * carries none and is there for the customer, who reads it at checkout. The alphabet leaves out
 * 0/O, 1/I/L and U so a code read aloud or copied by hand survives.
 */
import { randomInt } from 'node:crypto';

export const CODE_ALPHABET = '23456789ABCDEFGHJKMNPQRSTVWXYZ';
export const CODE_PREFIX = 'WELCOME';
const GROUPS = 5;
const GROUP_LENGTH = 4;

export const CODE_BITS = GROUPS * GROUP_LENGTH * Math.log2(CODE_ALPHABET.length);

/** Injected so tests can force collisions; `randomInt` is uniform (no modulo bias). */
export type RandomIndex = (size: number) => number;

export function generateCode(random: RandomIndex = randomInt): string {
  const groups: string[] = [CODE_PREFIX];
  for (let g = 0; g < GROUPS; g++) {
    let group = '';
    for (let i = 0; i < GROUP_LENGTH; i++) group += CODE_ALPHABET[random(CODE_ALPHABET.length)];
    groups.push(group);
  }
  return groups.join('-');
}

/** As a checkout may send it: any case, stray spaces around. Returns null for what cannot be a code. */
export function normalizeCode(input: unknown): string | null {
  if (typeof input !== 'string') return null;
  const code = input.trim().toUpperCase();
  return /^[A-Z0-9]{4,}(-[A-Z0-9]{4,})+$/.test(code) && code.length <= 40 ? code : null;
}
