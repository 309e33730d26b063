/** CLI output conventions: `--json` prints exactly one JSON document on stdout; people get text; logs go to stderr. */
import type { Progress } from '../progress';

export function printJson(value: unknown): void {
  process.stdout.write(JSON.stringify(value, null, 2) + '\n');
}

export function printLines(...lines: string[]): void {
  process.stdout.write(lines.join('\n') + '\n');
}

/** Where progress is drawn: stderr, or a stand-in in tests. */
type Terminal = Pick<NodeJS.WriteStream, 'write'> & { isTTY?: boolean };

/** Redrawing more often than this only costs time. */
const REDRAW_MS = 200;

/** A one-line progress indicator on stderr, only when stderr is a terminal. */
export function progressLine(
  label: string,
  unit = 'records',
  stream: Terminal = process.stderr,
  clock: () => number = Date.now,
): { update(done: number, fraction?: number): void; end(): void } {
  const tty = stream.isTTY;
  const started = clock();
  let last = 0;
  return {
    update(done, fraction) {
      const now = clock();
      if (!tty || now - last < REDRAW_MS) return;
      last = now;
      const rate = Math.round(done / Math.max((now - started) / 1000, 0.001));
      const percent = fraction === undefined ? '' : `${(fraction * 100).toFixed(0).padStart(3)}%  `;
      stream.write(`\r${label}  ${percent}${done.toLocaleString('en')} ${unit}  ${rate.toLocaleString('en')}/s   `);
    },
    end() {
      if (tty && last) stream.write('\n');
    },
  };
}

export interface PhaseProgress {
  /** Give this to the service doing the work. */
  report: Progress;
  /** The work is done: "LABEL: done in 12.3 s". */
  end(): void;
  /** The work failed: ends the line so the error starts on its own. */
  fail(): void;
}

const count = (n: number) => n.toLocaleString('en');

/**
 * A job's phases on one redrawn stderr line (`score: storing scores  2,000 / 40,000 (5%)`), only
 * when stderr is a terminal: output piped to a file or a `--json` reader never sees it.
 */
export function phaseProgress(label: string, stream: Terminal = process.stderr, clock: () => number = Date.now): PhaseProgress {
  const tty = Boolean(stream.isTTY);
  const started = clock();
  let phase: string | undefined;
  let last = -Infinity;
  const draw = (text: string) => stream.write(`\r\x1b[K${label}: ${text}`);
  return {
    report(next, done, total) {
      if (!tty) return;
      const now = clock();
      if (next === phase && now - last < REDRAW_MS) return;
      phase = next;
      last = now;
      const counts = done === undefined ? '' : total ? `  ${count(done)} / ${count(total)} (${Math.floor((done / total) * 100)}%)` : `  ${count(done)}`;
      draw(`${next}${counts}`);
    },
    end() {
      if (tty && phase !== undefined) draw(`done in ${((clock() - started) / 1000).toFixed(1)} s\n`);
    },
    fail() {
      if (tty && phase !== undefined) stream.write('\n');
    },
  };
}

/** Runs `work` with a progress line on a terminal's stderr, ended however the work ends. */
export async function withProgress<T>(label: string, work: (progress: Progress) => Promise<T>): Promise<T> {
  const progress = phaseProgress(label);
  try {
    const result = await work(progress.report);
    progress.end();
    return result;
  } catch (error) {
    progress.fail();
    throw error;
  }
}
