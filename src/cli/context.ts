import { Command } from 'commander';
import { Clock, clockStartingAt, systemClock } from '../clock';
import { loadConfig } from '../config';
import { InputError } from '../domain/errors';
import { Services, wire } from '../wiring';

/** Parses `--now ISO` (every command accepts it) into the clock the services use. */
export function clockFrom(command: Command): Clock {
  const now = command.optsWithGlobals().now as string | undefined;
  if (now === undefined) return systemClock;
  const start = new Date(now);
  if (Number.isNaN(start.getTime())) throw new InputError(`"${now}" is not an ISO 8601 time like 2026-01-31T09:00:00Z`, { field: '--now' });
  return clockStartingAt(start);
}

/** Wires the services for one command and always closes the database afterwards. */
export async function withServices<T>(command: Command, work: (services: Services) => Promise<T>): Promise<T> {
  const services = await wire(loadConfig(), { clock: clockFrom(command) });
  try {
    return await work(services);
  } finally {
    await services.close();
  }
}

/** A commander argument parser for numeric ids (`--incident 3`, `incident show 3`). */
export function idOf(field: string): (value: string) => number {
  return (value) => {
    if (!/^\d+$/.test(value)) throw new InputError(`"${value}" is not an id; ids are whole numbers`, { field });
    return Number(value);
  };
}

/** A commander argument parser for `--limit N`-style counts: whole numbers from 1. */
export function countOf(field: string, unit: string): (value: string) => number {
  return (value) => {
    if (!/^\d+$/.test(value) || Number(value) < 1) throw new InputError(`"${value}" is not a whole number of ${unit}, 1 or more`, { field });
    return Number(value);
  };
}
