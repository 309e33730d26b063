/** The progress line long commands draw on stderr: only on a terminal, phases at once, counts at most every 200 ms. */
import { Writable } from 'node:stream';
import { phaseProgress, progressLine } from '../../../src/cli/output';

/** A stream that says it is (or is not) a terminal and keeps what was written to it. */
function fakeStderr(isTTY: boolean): Writable & { isTTY: boolean; text: () => string } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      chunks.push(chunk.toString());
      done();
    },
  });
  return Object.assign(stream, { isTTY, text: () => chunks.join('') });
}

describe('phaseProgress', () => {
  it('draws each phase at once on a terminal, with counts, and ends the line', () => {
    const tty = fakeStderr(true);
    let now = 0;
    const progress = phaseProgress('score', tty, () => now);
    progress.report('reading orders');
    progress.report('computing 40,000 scores');
    now = 50;
    progress.report('storing scores', 2_000, 40_000);
    now = 100;
    progress.report('storing scores', 4_000, 40_000); // within 200 ms of the last line: skipped
    now = 400;
    progress.report('storing scores', 30_000, 40_000);
    now = 23_100;
    progress.end();
    const lines = tty.text().split('\r\x1b[K').filter(Boolean);
    expect(lines).toEqual([
      'score: reading orders',
      'score: computing 40,000 scores',
      'score: storing scores  2,000 / 40,000 (5%)',
      'score: storing scores  30,000 / 40,000 (75%)',
      'score: done in 23.1 s\n',
    ]);
  });

  it('writes nothing when stderr is not a terminal (a pipe, a file, a CI log)', () => {
    const pipe = fakeStderr(false);
    const progress = phaseProgress('score', pipe, () => 0);
    progress.report('reading orders');
    progress.report('storing scores', 1, 2);
    progress.end();
    expect(pipe.text()).toBe('');
  });

  it('ends the line when nothing but a failure followed', () => {
    const tty = fakeStderr(true);
    const progress = phaseProgress('launch', tty, () => 0);
    progress.report('loading the audience');
    progress.fail();
    expect(tty.text()).toBe('\r\x1b[Klaunch: loading the audience\n');
  });
});

describe('progressLine (import)', () => {
  it('still writes records and rate only on a terminal', () => {
    const tty = fakeStderr(true);
    let now = 0;
    const line = progressLine('importing orders.csv', 'records', tty, () => now);
    now = 1000;
    line.update(5000, 0.5);
    line.end();
    expect(tty.text()).toBe('\rimporting orders.csv   50%  5,000 records  5,000/s   \n');
    const pipe = fakeStderr(false);
    const quiet = progressLine('importing orders.csv', 'records', pipe, () => 1000);
    quiet.update(5000, 0.5);
    quiet.end();
    expect(pipe.text()).toBe('');
  });
});
