/**
 * The shop's checkout honouring codes: validate (read only), redeem (exactly once per code,
 * idempotent per order id) and release (a cancelled order gives its code back). Who wins a
 * contested code is decided by one conditional UPDATE, `... WHERE redeemed_at IS NULL`, and its
 * affected-row count; everything read before it only explains a refusal.
 */
import type { EntityManager } from 'typeorm';
import type { Clock } from '../clock';
import type { Database } from '../db/database';
import { NotFoundError, RekindleError } from '../domain/errors';
import { formatMinor } from '../domain/money';
import type { CodeQuery, RedeemQuery } from './checkoutRequest';
import { discountMinor, DiscountQuote, quote, rungFromStored } from './discount';
import { insertEvents } from './events';

export type Refusal = 'unknown_code' | 'not_for_customer' | 'expired' | 'wrong_currency' | 'redeemed' | 'order_released' | 'order_has_other_code';

/** A code the checkout may not apply; `reason` says why and the message what to do about it. */
export class CodeRefused extends RekindleError {
  readonly code: string;
  constructor(readonly reason: Refusal, message: string) {
    super(message);
    this.code = reason === 'unknown_code' ? 'code_not_found' : reason.startsWith('order_') ? reason : `code_${reason}`;
  }
}

export interface Validation {
  valid: boolean;
  reason?: Refusal;
  /** What the code takes off this order; null when it is not valid. */
  discount: DiscountQuote | null;
}

export interface RedeemResult {
  redeemed: true;
  orderId: string;
  code: string;
  orderTotal: string;
  discount: DiscountQuote;
  redeemedAt: string;
  /** The campaign step whose email led to the code. */
  attribution: { runId: number; campaign: string; step: number | null };
}

export interface ReleaseResult {
  released: true;
  orderId: string;
  code: string;
  releasedAt: string;
}

interface CodeRow {
  id: number;
  code: string;
  customer_id: number;
  run_id: number;
  send_id: number | null;
  discount: string;
  currency: string;
  expires_at: string;
  redeemed_at: string | null;
  email: string | null;
}

export class Checkout {
  constructor(private readonly db: Database, private readonly clock: Clock) {}

  async validate(query: CodeQuery): Promise<Validation> {
    const row = await this.codeRow(this.db.reader, query.code);
    const refusal = refusalOf(row, query, this.clock().toISOString());
    if (refusal || !row) return { valid: false, reason: refusal?.reason ?? 'unknown_code', discount: null };
    return { valid: true, discount: quoteFor(row, query.orderTotalMinor) };
  }

  redeem(query: RedeemQuery): Promise<RedeemResult> {
    // Isolation: READ COMMITTED; what it read is re-checked where it writes (the UPDATE wins only
    // while the code is unredeemed, the order's redemption is unique), so a race loses cleanly.
    return this.db.write(async (tx) => {
      const now = this.clock().toISOString();
      const row = await this.codeRow(tx, query.code);
      const replay = await this.redemption(tx, query.orderId);
      if (replay) return this.replayed(replay, row, query.orderId);
      const refusal = refusalOf(row, query, now);
      if (refusal || !row) throw refusal ?? refused('unknown_code', query.rawCode);
      const d = this.db.dialect;
      const won = await this.db.execute(tx, `UPDATE codes SET redeemed_order_id = ${d.param(0)}, redeemed_at = ${d.param(1)} WHERE id = ${d.param(2)} AND redeemed_at IS NULL`, [
        query.orderId, now, row.id,
      ]);
      if (won !== 1) throw refused('redeemed', row.code);
      const discount = discountMinor(rungFromStored(row.discount), query.orderTotalMinor, row.currency);
      const inserted = await this.db.execute(
        tx,
        `INSERT INTO redemptions (order_id, code_id, customer_id, run_id, send_id, order_total_minor, discount_minor, currency, redeemed_at) VALUES ${d.rows(1, 9)} ON CONFLICT (order_id) DO NOTHING`,
        [query.orderId, row.id, row.customer_id, row.run_id, row.send_id, query.orderTotalMinor, discount, row.currency, now],
      );
      // Only PostgreSQL can get here: the same order redeeming another code at this very moment.
      if (inserted !== 1) throw new CodeRefused('order_has_other_code', `order "${query.orderId}" is redeeming another code right now; one code per order`);
      const stored = (await this.redemption(tx, query.orderId)) as StoredRedemption;
      await this.afterRedeem(tx, row, stored, now);
      return publicPart(stored);
    });
  }

  release(orderId: string): Promise<ReleaseResult> {
    return this.db.write(async (tx) => {
      const d = this.db.dialect;
      const now = this.clock().toISOString();
      const redemption = await this.redemption(tx, orderId);
      if (!redemption) throw new NotFoundError(`no code was redeemed on order "${orderId}"; nothing to release`);
      const releasedNow = await this.db.execute(tx, `UPDATE redemptions SET released_at = ${d.param(0)} WHERE order_id = ${d.param(1)} AND released_at IS NULL`, [now, orderId]);
      if (releasedNow === 1) {
        await this.db.execute(tx, `UPDATE codes SET redeemed_order_id = NULL, redeemed_at = NULL, released_at = ${d.param(0)} WHERE code = ${d.param(1)} AND redeemed_order_id = ${d.param(2)}`, [
          now, redemption.code, orderId,
        ]);
        const { runId } = redemption.attribution;
        await insertEvents(tx, this.db, [{ type: 'release', customerId: redemption.customerId, runId, sendId: redemption.sendId, at: new Date(now), data: { orderId, code: redemption.code } }]);
      }
      return { released: true, orderId, code: redemption.code, releasedAt: releasedNow === 1 ? now : (redemption.releasedAt as string) };
    });
  }

  private replayed(replay: StoredRedemption, row: CodeRow | undefined, orderId: string): RedeemResult {
    if (replay.releasedAt) throw new CodeRefused('order_released', `order "${orderId}" was cancelled and gave its code back; a new order needs a new order id`);
    if (!row || row.code !== replay.code) throw new CodeRefused('order_has_other_code', `order "${orderId}" already redeemed another code; one code per order`);
    return publicPart(replay);
  }

  /** The redemption is the campaign's result: an event for the report, and the sequence stops if the campaign says so. */
  private async afterRedeem(tx: EntityManager, row: CodeRow, result: RedeemResult, now: string): Promise<void> {
    const d = this.db.dialect;
    const { orderId, code, orderTotal, discount, attribution } = result;
    await insertEvents(tx, this.db, [
      { type: 'redeem', customerId: row.customer_id, runId: row.run_id, sendId: row.send_id, at: new Date(now), data: { orderId, code, step: attribution.step, orderTotal, discount: discount.amount, currency: row.currency } },
    ]);
    const [run] = await tx.query(`SELECT definition FROM campaign_runs WHERE id = ${d.param(0)}`, [row.run_id]);
    const exitOn: string[] = JSON.parse(run.definition).exitOn ?? [];
    if (!exitOn.includes('redemption')) return;
    await tx.query(
      `UPDATE enrolments SET exited_at = ${d.param(0)}, exit_reason = 'redemption' WHERE exited_at IS NULL AND id = (SELECT enrolment_id FROM codes WHERE id = ${d.param(1)})`,
      [now, row.id],
    );
  }

  private async codeRow(manager: EntityManager, code: string | null): Promise<CodeRow | undefined> {
    if (code === null) return undefined;
    const [row] = await manager.query(
      `SELECT k.id, k.code, k.customer_id, k.run_id, k.send_id, k.discount, k.currency, k.expires_at, k.redeemed_at, c.email
         FROM codes k JOIN customers c ON c.id = k.customer_id WHERE k.code = ${this.db.dialect.param(0)}`,
      [code],
    );
    return row;
  }

  private async redemption(tx: EntityManager, orderId: string): Promise<StoredRedemption | undefined> {
    const [r] = await tx.query(
      `SELECT r.order_id, r.customer_id, r.send_id, r.run_id, r.order_total_minor, r.discount_minor, r.currency, r.redeemed_at, r.released_at,
              k.code, k.discount, k.expires_at, s.step, cr.campaign
         FROM redemptions r JOIN codes k ON k.id = r.code_id JOIN campaign_runs cr ON cr.id = r.run_id LEFT JOIN sends s ON s.id = r.send_id
        WHERE r.order_id = ${this.db.dialect.param(0)}`,
      [orderId],
    );
    if (!r) return undefined;
    return {
      redeemed: true,
      orderId: r.order_id,
      code: r.code,
      orderTotal: formatMinor(Number(r.order_total_minor), r.currency),
      discount: quote(rungFromStored(r.discount), Number(r.discount_minor), r.currency, r.expires_at),
      redeemedAt: r.redeemed_at,
      attribution: { runId: Number(r.run_id), campaign: r.campaign, step: r.step === null ? null : Number(r.step) },
      customerId: Number(r.customer_id),
      sendId: r.send_id === null ? null : Number(r.send_id),
      releasedAt: r.released_at,
    };
  }
}

interface StoredRedemption extends RedeemResult {
  customerId: number;
  sendId: number | null;
  releasedAt: string | null;
}

function publicPart(stored: StoredRedemption): RedeemResult {
  const { customerId: _customer, sendId: _send, releasedAt: _released, ...result } = stored;
  return result;
}

function quoteFor(row: CodeRow, orderTotalMinor: number): DiscountQuote {
  const rung = rungFromStored(row.discount);
  return quote(rung, discountMinor(rung, orderTotalMinor, row.currency), row.currency, row.expires_at);
}

/** Why this code cannot go on this order, or null. Checked in this order so a stranger learns nothing about someone else's code. */
function refusalOf(row: CodeRow | undefined, query: CodeQuery, now: string): CodeRefused | null {
  if (!row) return refused('unknown_code', query.rawCode);
  if (query.email !== null && query.email !== (row.email ?? '').toLowerCase()) return refused('not_for_customer', row.code);
  if (row.expires_at <= now) return new CodeRefused('expired', `code ${row.code} expired at ${row.expires_at}`);
  if (row.currency !== query.currency) return new CodeRefused('wrong_currency', `code ${row.code} is in ${row.currency}; this order is in ${query.currency}`);
  if (row.redeemed_at !== null) return refused('redeemed', row.code);
  return null;
}

function refused(reason: 'unknown_code' | 'not_for_customer' | 'redeemed', code: string): CodeRefused {
  const messages = {
    unknown_code: `no code "${code}"; check it was typed as printed, like WELCOME-7KQ2-M9XD-3PRA-H4TW-Q8NZ`,
    not_for_customer: `code ${code} was given to another customer; it works only with the email address it was sent to`,
    redeemed: `code ${code} is already used on another order; if that order is cancelled, POST /api/codes/release gives it back`,
  };
  return new CodeRefused(reason, messages[reason]);
}
