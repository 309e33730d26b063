import { LruMap } from '../../../src/domain/lruMap';

describe('LruMap', () => {
  it('drops the least recently used beyond its capacity; a read counts as use, a peek does not', () => {
    const m = new LruMap<string, number>(2);
    m.set('a', 1);
    m.set('b', 2);
    expect(m.get('a')).toBe(1);
    m.set('c', 3);
    expect([m.peek('a'), m.peek('b'), m.peek('c')]).toEqual([1, undefined, 3]);
    m.set('d', 4);
    expect([m.peek('a'), m.peek('c'), m.peek('d')]).toEqual([undefined, 3, 4]);
    expect(m.size).toBe(2);
  });

  it('writing a key again moves it last without growing; delete removes it', () => {
    const m = new LruMap<string, number>(2);
    m.set('a', 1);
    m.set('b', 2);
    m.set('a', 10);
    m.set('c', 3);
    expect([m.peek('a'), m.peek('b'), m.peek('c')]).toEqual([10, undefined, 3]);
    m.delete('a');
    expect([m.size, m.get('a')]).toEqual([1, undefined]);
  });
});
