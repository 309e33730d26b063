/** CLI output conventions: `--json` prints exactly one JSON document on stdout; people get text; logs go to stderr. */
export function printJson(value: unknown): void {
  process.stdout.write(JSON.stringify(value, null, 2) + '\n');
}

export function printLines(...lines: string[]): void {
  process.stdout.write(lines.join('\n') + '\n');
}

/** A one-line progress indicator on stderr, only when stderr is a terminal. */
export function progressLine(label: string, unit = 'records'): { update(done: number, fraction?: number): void; end(): void } {
  const tty = process.stderr.isTTY;
  const started = Date.now();
  let last = 0;
  return {
    update(done, fraction) {
      const now = Date.now();
      if (!tty || now - last < 200) return;
      last = now;
      const rate = Math.round(done / Math.max((now - started) / 1000, 0.001));
      const percent = fraction === undefined ? '' : `${(fraction * 100).toFixed(0).padStart(3)}%  `;
      process.stderr.write(`\r${label}  ${percent}${done.toLocaleString('en')} ${unit}  ${rate.toLocaleString('en')}/s   `);
    },
    end() {
      if (tty && last) process.stderr.write('\n');
    },
  };
}
