/**
 * Budgets and offers on every core. Deciding is decimal arithmetic, about 5 µs for each customer
 * worth something, so at a million customers it is most of scoring; the rows are split between
 * the main thread and worker threads running decideRows on their share. The inputs cross as
 * JSON (money as decimal strings) and typed arrays, so every thread decides with the same values.
 *
 * This file is also the worker's script. Only the compiled .js can run as one, so under ts-jest
 * (and below PARALLEL_FROM customers) everything runs on the calling thread.
 */
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import type { BudgetPolicy, Harm } from '../domain/budget';
import { Money } from '../domain/money';
import { parseOfferLadder } from '../domain/offers';
import { DecisionInput, Decisions, decideRows, joinDecisions } from './decisions';

const WORKER_FILE = path.join(__dirname, 'decisionWorker.js');
/** Below this the whole job takes a few tenths of a second; a worker takes ~35 ms to start. */
export const PARALLEL_FROM = 100_000;
const MAX_THREADS = 4;

/** Threads a large scoring run decides on, the calling one included. */
export const decisionThreads = (): number => Math.min(os.availableParallelism(), MAX_THREADS);

export async function decideAll(input: DecisionInput, parallelFrom = PARALLEL_FROM): Promise<Decisions> {
  const n = input.customerId.length;
  const threads = decisionThreads();
  if (n < parallelFrom || threads < 2 || !existsSync(WORKER_FILE)) return decideRows(input);
  const bounds = Array.from({ length: threads + 1 }, (_, k) => Math.round((k * n) / threads));
  const others = bounds.slice(1, -1).map((from, k) => inWorker(toWire(input, from, bounds[k + 2])));
  // Rejections are taken below; until then a failing worker must not count as unhandled.
  others.forEach((other) => other.catch(() => undefined));
  const mine = decideRows(input, 0, bounds[1]);
  return joinDecisions([mine, ...(await Promise.all(others))]);
}

interface Wire {
  policy: string;
  ladder: string;
  harms: [number, string][];
  customerId: Int32Array;
  valueOfWinBack: Float64Array;
  expectedSpend: Float64Array;
}

function toWire(input: DecisionInput, from: number, to: number): Wire {
  const customerId = input.customerId.slice(from, to);
  const harms: [number, string][] = [];
  for (const id of customerId) {
    const harm = input.harms.get(id);
    if (harm !== undefined) harms.push([id, JSON.stringify(harm)]);
  }
  return {
    policy: JSON.stringify(input.policy),
    ladder: JSON.stringify(input.ladder),
    harms,
    customerId,
    valueOfWinBack: input.valueOfWinBack.slice(from, to),
    expectedSpend: input.expectedSpend.slice(from, to),
  };
}

function fromWire(wire: Wire): DecisionInput {
  const policy = JSON.parse(wire.policy);
  const cap = policy.perCustomerCap;
  const harms = new Map(wire.harms.map(([id, text]): [number, Harm] => [id, reviveHarm(JSON.parse(text))]));
  return {
    policy: { ...policy, cac: new Money(policy.cac), perCustomerCap: cap === undefined ? undefined : new Money(cap) } as BudgetPolicy,
    ladder: parseOfferLadder(JSON.parse(wire.ladder)),
    harms,
    customerId: wire.customerId,
    valueOfWinBack: wire.valueOfWinBack,
    expectedSpend: wire.expectedSpend,
  };
}

/** A Harm after JSON: its money as decimal strings. */
type WireHarm = Omit<Harm, 'harmedAmount' | 'makeGood'> & {
  harmedAmount?: string;
  makeGood: { kind: 'amount'; amount: string } | { kind: 'percent_of_harm'; percent: number };
};

function reviveHarm(harm: WireHarm): Harm {
  const makeGood = harm.makeGood.kind === 'amount' ? { kind: 'amount' as const, amount: new Money(harm.makeGood.amount) } : harm.makeGood;
  return { ...harm, harmedAmount: harm.harmedAmount === undefined ? undefined : new Money(harm.harmedAmount), makeGood };
}

function inWorker(wire: Wire): Promise<Decisions> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(WORKER_FILE, { workerData: { decisions: wire } });
    worker.once('message', resolve);
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`a scoring worker stopped (exit code ${code}) before it answered`)));
  });
}

if (!isMainThread && parentPort !== null && workerData?.decisions) {
  const out = decideRows(fromWire(workerData.decisions as Wire));
  parentPort.postMessage(out, [out.budgetMinor.buffer, out.rule.buffer, out.treatment.buffer, out.offer.buffer] as ArrayBuffer[]);
}
