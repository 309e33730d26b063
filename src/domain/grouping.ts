/**
 * Groups rows by identical values across a few Float64Array columns. A million customers have
 * far fewer distinct (x, t_x, T) patterns, and the models only need each pattern once with its
 * count. An open-addressing table over the raw float bits keeps this to one pass with no
 * per-row allocation (a Map with string keys costs ~10x more at 1M rows).
 */
export interface Groups {
  /** Number of distinct keys. */
  readonly count: number;
  /** For each row, the index of its group (0 .. count-1, in order of first appearance). */
  readonly groupOf: Int32Array;
  /** For each group, the first row that has its key: read the key's values from there. */
  readonly firstRow: Int32Array;
  /** For each group, how many rows share its key. */
  readonly size: Float64Array;
}

export function groupRows(columns: ReadonlyArray<Float64Array>, length: number): Groups {
  const bits = columns.map((column) => new Int32Array(column.buffer, column.byteOffset, length * 2));
  let capacity = 16;
  while (capacity < length * 2) capacity *= 2;
  const mask = capacity - 1;
  const table = new Int32Array(capacity).fill(-1);
  const groupOf = new Int32Array(length);
  const firstRow = new Int32Array(length);
  const size = new Float64Array(length);
  let count = 0;
  for (let row = 0; row < length; row++) {
    let slot = hashRow(bits, row) & mask;
    for (;;) {
      const group = table[slot];
      if (group === -1) {
        table[slot] = count;
        firstRow[count] = row;
        groupOf[row] = count;
        size[count] = 1;
        count++;
        break;
      }
      if (sameKey(columns, row, firstRow[group])) {
        groupOf[row] = group;
        size[group] += 1;
        break;
      }
      slot = (slot + 1) & mask;
    }
  }
  return { count, groupOf, firstRow: firstRow.slice(0, count), size: size.slice(0, count) };
}

function hashRow(bits: ReadonlyArray<Int32Array>, row: number): number {
  let h = 0x811c9dc5;
  for (const column of bits) {
    h = Math.imul(h ^ column[2 * row], 0x9e3779b1);
    h = Math.imul(h ^ column[2 * row + 1], 0x85ebca77);
  }
  h ^= h >>> 15;
  h = Math.imul(h, 0x2c1b3c6d);
  return h ^ (h >>> 13);
}

function sameKey(columns: ReadonlyArray<Float64Array>, row: number, other: number): boolean {
  for (const column of columns) if (column[row] !== column[other]) return false;
  return true;
}

/** The values of `column` at each group's first row: the group's key in that column. */
export function keyColumn(groups: Groups, column: Float64Array): Float64Array {
  const out = new Float64Array(groups.count);
  for (let g = 0; g < groups.count; g++) out[g] = column[groups.firstRow[g]];
  return out;
}

/**
 * Indices of about `size` of `length` rows, chosen by a hash of the index so rows stored in any
 * order (by id, by signup date) are sampled evenly. Deterministic: the same data, the same sample.
 */
export function sampleRows(length: number, size: number): Int32Array {
  const threshold = Math.min(1, size / length) * 2 ** 32;
  const rows = new Int32Array(Math.min(length, Math.ceil(size * 1.1) + 64));
  let count = 0;
  for (let i = 0; i < length && count < rows.length; i++) {
    let h = Math.imul(i ^ 0x3c6ef372, 0x9e3779b1);
    h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
    if ((h ^ (h >>> 13)) >>> 0 < threshold) rows[count++] = i;
  }
  return rows.slice(0, count);
}

export function pickRows(column: Float64Array, rows: Int32Array): Float64Array {
  const out = new Float64Array(rows.length);
  for (let i = 0; i < rows.length; i++) out[i] = column[rows[i]];
  return out;
}
