/**
 * One customer on a page: who they are and their consent, their orders, their stored score and
 * the offer advisor's words (adviceService, as `rekindle explain` says them), the runs they are
 * enrolled in, the emails sent to them, codes redeemed, feedback and incidents. Every query is a
 * lookup by customer id on an index, so a page costs the same in a shop of any size.
 */
import { ConflictError, NotFoundError } from '../../domain/errors';
import { adviseCustomer } from '../../scoring/adviceService';
import { latestModel } from '../../scoring/modelStore';
import { latestScoring } from '../../scoring/scoreOverview';
import type { Services } from '../../wiring';
import { nameOf } from './customerSearch';
import { count, day, instant, money } from './displayFormat';

const SHOWN = 50;

type Row = Record<string, unknown> & { [key: string]: any }; // eslint-disable-line @typescript-eslint/no-explicit-any

export async function customerPageModel(services: Services, id: number) {
  const { db, config } = services;
  const d = db.dialect;
  const tz = config.shop.timeZone;
  const q = (sql: string, params: unknown[] = [id]): Promise<Row[]> => db.reader.query(sql, params);
  const [customer] = await q(`SELECT id, external_id, email, first_name, last_name, consent, consent_source, consent_at, created_at FROM customers WHERE id = ${d.param(0)}`);
  if (!customer) throw new NotFoundError(`there is no customer with id ${id}; search for them by email or name`);
  const [suppressed] = customer.email ? await q(`SELECT reason, at FROM suppressions WHERE email = ${d.param(0)}`, [customer.email]) : [];
  const [orders, [orderTotals], enrolments, sends, codes, feedback, incidents] = await Promise.all([
    q(`SELECT order_id, order_name, ordered_at, currency, amount_minor, refunded_minor, status, discount_code
         FROM orders WHERE customer_id = ${d.param(0)} ORDER BY ordered_day DESC, ordered_at DESC LIMIT ${SHOWN}`),
    q(`SELECT COUNT(*) AS n FROM orders WHERE customer_id = ${d.param(0)}`),
    q(`SELECT e.run_id, r.campaign, r.state, e.holdout, e.treatment, e.budget_minor, e.offer, e.enrolled_at, e.exited_at, e.exit_reason, r.currency
         FROM enrolments e JOIN campaign_runs r ON r.id = e.run_id WHERE e.customer_id = ${d.param(0)} ORDER BY e.id DESC LIMIT ${SHOWN}`),
    q(`SELECT s.run_id, r.campaign, s.step, s.status, s.due_at, s.sent_at FROM sends s JOIN campaign_runs r ON r.id = s.run_id
        WHERE s.customer_id = ${d.param(0)} ORDER BY s.due_at DESC, s.id DESC LIMIT ${SHOWN}`),
    q(`SELECT c.code, c.discount, c.currency, c.issued_at, c.redeemed_order_id, c.redeemed_at, c.released_at, r.campaign
         FROM enrolments e JOIN codes c ON c.enrolment_id = e.id JOIN campaign_runs r ON r.id = e.run_id WHERE e.customer_id = ${d.param(0)} ORDER BY c.id DESC`),
    q(`SELECT f.at, f.message, r.campaign FROM feedback f JOIN campaign_runs r ON r.id = f.run_id WHERE f.customer_id = ${d.param(0)} ORDER BY f.at DESC LIMIT ${SHOWN}`),
    q(`SELECT i.id, i.title, i.status, ic.harmed_minor, i.currency FROM incident_customers ic JOIN incidents i ON i.id = ic.incident_id WHERE ic.customer_id = ${d.param(0)} ORDER BY i.id DESC`),
  ]);
  const name = nameOf(customer as { first_name: string | null; last_name: string | null });
  return {
    customer: {
      id: Number(customer.id),
      title: name || customer.email || `Customer ${customer.id}`,
      name,
      email: customer.email ?? '',
      externalId: customer.external_id ?? '',
      since: instant(customer.created_at, tz),
      consent: consentWords(customer.consent, customer.consent_source, instant(customer.consent_at, tz)),
      suppressed: suppressed ? `${suppressed.reason} on ${instant(suppressed.at, tz)}: never emailed again` : '',
    },
    orders: orders.map((o) => ({
      id: o.order_name ? `${o.order_name} (${o.order_id})` : o.order_id,
      at: instant(o.ordered_at, tz),
      amount: money(Number(o.amount_minor), o.currency),
      refunded: Number(o.refunded_minor) ? money(Number(o.refunded_minor), o.currency) : '',
      status: o.status,
      code: o.discount_code ?? '',
    })),
    ordersMore: Number(orderTotals.n) > orders.length ? `The newest ${orders.length} of ${count(Number(orderTotals.n))} orders.` : '',
    ...(await scoreAndAdvice(services, id)),
    enrolments: enrolments.map((e) => ({
      run: `${e.campaign} (run ${e.run_id}, ${e.state})`,
      group: e.holdout === true || Number(e.holdout) === 1 ? 'holdout: sent nothing, to measure the campaign' : 'treated',
      treatment: e.treatment,
      budget: money(Number(e.budget_minor), e.currency),
      offer: offerLabel(e.offer),
      enrolled: instant(e.enrolled_at, tz),
      exited: e.exited_at ? `${instant(e.exited_at, tz)} (${e.exit_reason})` : 'still enrolled',
    })),
    sends: sends.map((s) => ({ campaign: `${s.campaign} (run ${s.run_id})`, step: Number(s.step), status: s.status, due: instant(s.due_at, tz), sent: instant(s.sent_at, tz) })),
    redemptions: codes.map((c) => ({
      code: c.code,
      campaign: c.campaign,
      offer: offerLabel(c.discount),
      issued: instant(c.issued_at, tz),
      redeemed: c.redeemed_at ? `${instant(c.redeemed_at, tz)} on order ${c.redeemed_order_id}${c.released_at ? ' (released: the order was cancelled)' : ''}` : 'not used yet',
    })),
    feedback: feedback.map((f) => ({ at: instant(f.at, tz), campaign: f.campaign, message: f.message })),
    incidents: incidents.map((i) => ({
      id: Number(i.id),
      title: i.title,
      status: i.status,
      harmed: i.harmed_minor === null || i.harmed_minor === undefined ? '' : money(Number(i.harmed_minor), i.currency),
    })),
  };
}

function consentWords(consent: string, source: string | null, at: string): string {
  const what = consent === 'yes' ? 'agreed to marketing email' : consent === 'no' ? 'said no to marketing email: never sent any' : 'consent not known';
  return [what, source ? `from ${source}` : '', at ? `on ${at}` : ''].filter(Boolean).join(', ');
}

function offerLabel(json: unknown): string {
  if (typeof json !== 'string' || json === '') return 'no offer';
  try {
    const offer = JSON.parse(json) as { label?: string; id?: string };
    return offer.label ?? offer.id ?? 'an offer';
  } catch {
    return 'an offer';
  }
}

/** The stored score (what campaigns launch with) and the advisor's explanation in words; why not, when there is none. */
async function scoreAndAdvice(services: Services, id: number) {
  const { db, config } = services;
  let model;
  try {
    model = await latestModel(db, config.shop.currency);
  } catch (error) {
    if (error instanceof ConflictError) return { noScore: error.message };
    throw error;
  }
  const scoring = await latestScoring(db, model.version);
  const d = db.dialect;
  const [score] = scoring
    ? await db.reader.query(
        `SELECT x, p_alive, expected_purchases, budget_minor, treatment, offer_id, last_order_day FROM customer_scores
          WHERE model_version = ${d.param(0)} AND as_of = ${d.param(1)} AND customer_id = ${d.param(2)}`,
        [model.version, scoring.asOf, id],
      )
    : [];
  let advice;
  try {
    advice = await adviseCustomer(services, `id:${id}`);
  } catch (error) {
    if (error instanceof NotFoundError || error instanceof ConflictError) return { noScore: error.message };
    throw error;
  }
  const c = config.shop.currency;
  const s = advice.steps;
  return {
    score: score
      ? {
          asOf: day(scoring?.asOf),
          modelVersion: model.version,
          pAlive: Number(score.p_alive).toFixed(2),
          expectedPurchases: Number(score.expected_purchases).toFixed(2),
          budget: money(Number(score.budget_minor), c),
          repeat: count(Number(score.x)),
          lastOrder: day(score.last_order_day),
        }
      : undefined,
    advice: {
      asOf: day(advice.asOf),
      sentences: advice.sentences,
      steps: [
        ['P(alive)', s.pAlive.toFixed(2)],
        ['Purchases expected if nothing is done', s.expectedPurchases.toFixed(2)],
        ['Expected spend per order', `${s.expectedSpend} ${c}`],
        ['CLV as is', `${s.clvAsIs} ${c}`],
        ['CLV if won back', `${s.clvIfWon} ${c}`],
        ['Value of winning back', `${s.valueOfWinBack} ${c}`],
        ['Share of that value spent', String(s.share)],
        ['CAC', `${s.cac} ${c}`],
        ['Cap per customer', s.cap === null ? 'none' : `${s.cap} ${c}`],
        ['Budget', `${s.budget} ${c} (bound by ${s.boundBy})`],
        ...(s.makeGood ? [['Make-good owed', `${s.makeGood.owed} ${c}`]] : []),
        ['Offer', advice.offer ? advice.offer.label : `none (${advice.treatment})`],
      ].map(([label, value]) => ({ label, value })),
      mayNotPromise: advice.mayNotPromise,
      toughQuestions: advice.toughQuestions,
    },
  };
}
