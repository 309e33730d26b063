import fc from 'fast-check';
import { IdentityMap } from '../../../src/import/identityMap';

describe('IdentityMap', () => {
  it('answers like a Map through growth, overwrites and clears', () => {
    const key = fc.oneof(fc.string({ maxLength: 6 }), fc.string({ unit: 'binary', maxLength: 30 }), fc.integer({ min: 0, max: 3000 }).map((n) => `x:${n}`));
    const step = fc.oneof(
      { weight: 20, arbitrary: fc.record({ op: fc.constant('set' as const), key, value: fc.integer({ min: 1, max: 2 ** 40 }) }) },
      { weight: 20, arbitrary: fc.record({ op: fc.constant('get' as const), key }) },
      { weight: 1, arbitrary: fc.record({ op: fc.constant('clear' as const) }) },
    );
    fc.assert(
      fc.property(fc.array(step, { maxLength: 3000 }), (steps) => {
        const map = new IdentityMap();
        const model = new Map<string, number>();
        for (const s of steps) {
          if (s.op === 'set') {
            map.set(s.key, s.value);
            model.set(s.key, s.value);
          } else if (s.op === 'get') {
            expect(map.get(s.key)).toBe(model.get(s.key));
          } else {
            map.clear();
            model.clear();
          }
          expect(map.size).toBe(model.size);
        }
        for (const [k, v] of model) expect(map.get(k)).toBe(v);
        expect([...map.entries()]).toEqual([...model.entries()]);
      }),
      { numRuns: 60 },
    );
  });

  it('holds a quarter of a million identities', () => {
    const map = new IdentityMap();
    for (let i = 0; i < 250_000; i++) map.set(i % 2 ? `x:C${i}` : `e:c${i}@example.com`, i + 1);
    expect(map.size).toBe(250_000);
    for (let i = 0; i < 250_000; i += 997) expect(map.get(i % 2 ? `x:C${i}` : `e:c${i}@example.com`)).toBe(i + 1);
    expect(map.get('x:C250001')).toBeUndefined();
  });
});
