/** Reference values computed with mpmath at 30 digits. */
import { digamma, hyp2f1, hyp2f1ScaledExcess, lnGamma } from '../../../src/domain/specialFunctions';

function close(actual: number, expected: number, relative = 1e-13): void {
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(relative * Math.max(1, Math.abs(expected)));
}

describe('lnGamma', () => {
  it.each([
    [1e-8, 18.420680738180208905],
    [0.1, 2.2527126517342059599],
    [0.5, 0.57236494292470008707],
    [1, 0],
    [1.5, -0.12078223763524522235],
    [2, 0],
    [3.5, 1.2009736023470742248],
    [7.25, 7.0521854507385394449],
    [10, 12.801827480081469611],
    [33.3, 82.603723581654952928],
    [100, 359.13420536957539878],
    [1234.5, 7550.5509010778948957],
    [1e6, 12815504.56914761166],
    [-0.5, 1.2655121234846453965],
    [-2.5, -0.056243716497674050673],
  ])('lnGamma(%p)', (x, expected) => close(lnGamma(x), expected));

  it('is infinite at the poles', () => {
    expect(lnGamma(0)).toBe(Infinity);
    expect(lnGamma(-3)).toBe(Infinity);
  });
});

describe('digamma', () => {
  it.each([
    [1e-6, -1000000.5772140199687],
    [0.25, -4.2274535333762654081],
    [0.5, -1.9635100260214234794],
    [1, -0.57721566490153286061],
    [2.2426, 0.56841389249800430883],
    [9.99, 2.2507003728312010995],
    [10, 2.2517525890667211076],
    [57.3, 4.0395492399575792103],
    [1e4, 9.2102903711428494036],
    [-0.5, 0.036489973978576520559],
  ])('digamma(%p)', (x, expected) => close(digamma(x), expected, 1e-12));
});

describe('hyp2f1', () => {
  it.each([
    [3.2426, 5.4259, 5.2188, 0.5, 10.448395986612123533],
    [1.5, -0.25, 2.75, 0.9, 0.825596876730355933],
    [2.1, 3.3, 4.7, -0.6, 0.48920741698160093324],
    [0.5, 0.5, 1.5, 0.99, 1.4780376623747747643],
    [50.2, 47.1, 60.3, 0.3, 1087724.2958833814613],
    [1.97, -0.21, 500.2, 0.93, 0.99922914391220624797],
    [1.2, 2.3, 3.7, -5, 0.20983488625733999464],
    [3, 2, 7, 0.999, 4.9708148712419986208],
  ])('2F1(%p, %p; %p; %p)', (a, b, c, z, expected) => close(hyp2f1(a, b, c, z), expected, 1e-12));

  it('matches closed forms', () => {
    for (const z of [-3, -0.5, 0.1, 0.5, 0.9, 0.97]) {
      close(hyp2f1(1, 1, 2, z), -Math.log(1 - z) / z, 1e-13);
      close(hyp2f1(2.5, 1.3, 1.3, z), Math.pow(1 - z, -2.5), 1e-13);
    }
    for (const s of [0.2, 0.7, 0.95]) close(hyp2f1(0.5, 0.5, 1.5, s * s), Math.asin(s) / s, 1e-13);
    close(hyp2f1(0.5, 1, 1.5, -4), Math.atan(2) / 2, 1e-13);
  });

  it('is a polynomial when a parameter is a negative integer', () => {
    // 2F1(-2, b; c; z) = 1 - 2bz/c + b(b+1)z²/(c(c+1))
    const [b, c, z] = [1.5, 2.5, 0.4];
    close(hyp2f1(-2, b, c, z), 1 - (2 * b * z) / c + (b * (b + 1) * z * z) / (c * (c + 1)), 1e-15);
  });

  it('gives c(2F1 - 1)/b without cancellation, also in the limits b = 0 and c = 0', () => {
    close(hyp2f1ScaledExcess(1.97, -0.21, 500.2, 0.93) / 500.2, 0.0036707432752083431305, 1e-12);
    close(hyp2f1ScaledExcess(1.97, 0, 2.2, 0.8) / 2.2, 1.3402315790142308888, 1e-12);
    close(hyp2f1ScaledExcess(1.97, 1e-12, 2.2, 0.8) / 2.2, 1.3402315790142308888, 1e-11);
    const atPole = hyp2f1ScaledExcess(0.7, 0.4, 0, 0.6);
    close(atPole, (hyp2f1ScaledExcess(0.7, 0.4, -1e-7, 0.6) + hyp2f1ScaledExcess(0.7, 0.4, 1e-7, 0.6)) / 2, 1e-7);
  });

  it('refuses arguments outside its domain', () => {
    expect(() => hyp2f1(1, 1, 2, 1)).toThrow(RangeError);
    expect(() => hyp2f1(1, 1, -0.5, 0.5)).toThrow(RangeError);
  });
});
