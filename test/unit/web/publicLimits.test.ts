import { FixedWindow } from '../../../src/web/customer/limits';

describe('the public routes\' fixed windows (issue 16)', () => {
  it('counts each address on its own and starts every count again when the window ends', () => {
    let now = 1_000;
    const window = new FixedWindow(60_000, () => now);
    expect([window.hit('a'), window.hit('a'), window.hit('b')]).toEqual([
      { count: 1, endsAt: 61_000 },
      { count: 2, endsAt: 61_000 },
      { count: 1, endsAt: 61_000 },
    ]);
    now = 60_999;
    expect(window.hit('a')).toEqual({ count: 3, endsAt: 61_000 });
    now = 61_000;
    expect(window.hit('a')).toEqual({ count: 1, endsAt: 121_000 });
    expect(window.hit('b')).toEqual({ count: 1, endsAt: 121_000 });
  });
});
