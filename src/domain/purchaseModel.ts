/**
 * The purchase model a shop is scored with: BG/NBD (the default) or Pareto/NBD (`fit --model
 * pareto-nbd`). Both answer the two questions scoring asks — P(alive) and the purchases expected
 * from a customer who is alive — so CLV, budgets and campaigns work with either. The kind is
 * told by the parameters' names (a, b for BG/NBD; s, β for Pareto/NBD), which is also how a
 * stored model says which one it is.
 */
import { BgNbdParams, bgnbdDeadLogOdds, expectedPurchasesIfAlive, pAlive } from './bgnbd';
import { paretoDeadLogOdds, paretoExpectedPurchasesIfAlive, ParetoNbdParams, paretoPAlive } from './paretoNbd';

export type PurchaseModelKind = 'bgnbd' | 'pareto-nbd';
export const PURCHASE_MODELS: readonly PurchaseModelKind[] = ['bgnbd', 'pareto-nbd'];

export type PurchaseParams = BgNbdParams | ParetoNbdParams;

export function isParetoNbd(params: PurchaseParams): params is ParetoNbdParams {
  return 'beta' in params;
}

export function purchaseModelKind(params: PurchaseParams): PurchaseModelKind {
  return isParetoNbd(params) ? 'pareto-nbd' : 'bgnbd';
}

export function purchaseModelName(kind: PurchaseModelKind): string {
  return kind === 'bgnbd' ? 'BG/NBD' : 'Pareto/NBD';
}

/** P(alive | x, t_x, T) under either model. */
export function aliveProbability(params: PurchaseParams, x: number, tx: number, T: number): number {
  return isParetoNbd(params) ? paretoPAlive(params, x, tx, T) : pAlive(params, x, tx, T);
}

/** ln((1 − P(alive)) / P(alive)) under either model; −Infinity when alive for sure. */
export function deadLogOdds(params: PurchaseParams, x: number, tx: number, T: number): number {
  return isParetoNbd(params) ? paretoDeadLogOdds(params, x, tx, T) : bgnbdDeadLogOdds(params, x, tx, T);
}

/** E[Y(t) | alive, x, T] under either model. */
export function purchasesIfAlive(params: PurchaseParams, t: number, x: number, T: number): number {
  return isParetoNbd(params) ? paretoExpectedPurchasesIfAlive(params, t, x, T) : expectedPurchasesIfAlive(params, t, x, T);
}
