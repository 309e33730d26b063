/**
 * Identity strings (`x:1042`, `e:kim@example.com`) to customer ids, kept in typed arrays: open
 * addressing over a slot table, each key's UTF-16 code units back to back in one buffer. An
 * import asks it about every row (a million lookups in a quarter of a million identities); a
 * JavaScript Map took about a second of the importing thread for that, in hashing fresh strings
 * and in cache misses across a large table of heap objects, and held a quarter of a million
 * objects for the garbage collector to walk. This holds none. Pure: no I/O.
 */

/** A slot holds its entry's index + 1; 0 is free. */
const FREE = 0;

export class IdentityMap {
  private slots = new Int32Array(1024);
  private hashes = new Int32Array(512);
  private values = new Float64Array(512);
  /** Entry i's key is chars[starts[i], starts[i + 1]). */
  private starts = new Int32Array(513);
  private chars = new Uint16Array(8192);
  private count = 0;

  get size(): number {
    return this.count;
  }

  get(key: string): number | undefined {
    const entry = this.find(key, hashOf(key));
    return entry < 0 ? undefined : this.values[entry];
  }

  set(key: string, value: number): void {
    const hash = hashOf(key);
    const found = this.find(key, hash);
    if (found >= 0) {
      this.values[found] = value;
      return;
    }
    if ((this.count + 1) * 2 > this.slots.length) this.grow();
    const entry = this.count++;
    const start = this.starts[entry];
    this.reserveChars(start + key.length);
    for (let i = 0; i < key.length; i++) this.chars[start + i] = key.charCodeAt(i);
    this.starts[entry + 1] = start + key.length;
    this.hashes[entry] = hash;
    this.values[entry] = value;
    this.place(entry, hash);
  }

  /** Every key and value, in the order first set. */
  *entries(): Generator<[key: string, value: number]> {
    for (let entry = 0; entry < this.count; entry++) {
      const start = this.starts[entry];
      yield [String.fromCharCode(...this.chars.subarray(start, this.starts[entry + 1])), this.values[entry]];
    }
  }

  clear(): void {
    this.slots.fill(FREE);
    this.count = 0;
  }

  /** The entry holding `key`, or -1. */
  private find(key: string, hash: number): number {
    const mask = this.slots.length - 1;
    for (let slot = hash & mask; ; slot = (slot + 1) & mask) {
      const held = this.slots[slot];
      if (held === FREE) return -1;
      const entry = held - 1;
      if (this.hashes[entry] === hash && this.keyIs(entry, key)) return entry;
    }
  }

  private keyIs(entry: number, key: string): boolean {
    const start = this.starts[entry];
    if (this.starts[entry + 1] - start !== key.length) return false;
    for (let i = 0; i < key.length; i++) if (this.chars[start + i] !== key.charCodeAt(i)) return false;
    return true;
  }

  private place(entry: number, hash: number): void {
    const mask = this.slots.length - 1;
    let slot = hash & mask;
    while (this.slots[slot] !== FREE) slot = (slot + 1) & mask;
    this.slots[slot] = entry + 1;
  }

  /** Doubles the slots (at most half full) and the entry arrays, and places every entry again. */
  private grow(): void {
    this.slots = new Int32Array(this.slots.length * 2);
    const entries = this.slots.length / 2;
    this.hashes = resized(this.hashes, entries);
    this.values = resized(this.values, entries);
    this.starts = resized(this.starts, entries + 1);
    for (let entry = 0; entry < this.count; entry++) this.place(entry, this.hashes[entry]);
  }

  private reserveChars(length: number): void {
    if (length <= this.chars.length) return;
    let size = this.chars.length * 2;
    while (size < length) size *= 2;
    this.chars = resized(this.chars, size);
  }
}

function resized<T extends Int32Array | Float64Array | Uint16Array>(array: T, length: number): T {
  const bigger = new (array.constructor as new (length: number) => T)(length);
  bigger.set(array);
  return bigger;
}

/** FNV-1a over the UTF-16 code units, mixed at the end so the low bits (the slot) spread well. */
function hashOf(key: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) hash = Math.imul(hash ^ key.charCodeAt(i), 0x01000193);
  hash ^= hash >>> 15;
  hash = Math.imul(hash, 0x2c1b3c6d);
  return hash ^ (hash >>> 12);
}
