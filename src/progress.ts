/**
 * How far a long job has come, for a person watching: `rekindle` draws it on a terminal
 * (src/cli/output.ts), every other caller passes nothing. A new `phase` is news at once; `done`
 * of `total` (customers, rows) may be reported as often as is cheap, the drawing throttles it.
 */
export type Progress = (phase: string, done?: number, total?: number) => void;
