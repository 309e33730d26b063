/**
 * Fixture builders for the campaign tests: a small shop whose customers have a known history, a
 * model with the published CDNOW parameters (so scores follow at launch without a fit), campaign
 * variants written into the shop's own CAMPAIGNS_DIR, a clock the test moves by hand, and the
 * send rows read back. The same shop can be handed to the built CLI through `shop.env`.
 */
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { parse } from 'yaml';
import { parseSettings } from '../../src/config';
import { importOrders } from '../../src/import/importer';
import type { OrderRecord } from '../../src/import/records';
import type { DispatchOptions, DispatchSummary } from '../../src/campaigns/dispatcher';
import type { RetryPolicy } from '../../src/mail/classify';
import { saveModel } from '../../src/scoring/modelStore';
import { Services, wire } from '../../src/wiring';
import { SmtpSink, startSmtpSink } from './smtpSink';
import { dropTestDatabase, testDatabaseUrl } from './testDatabase';

const SHIPPED_CAMPAIGNS = path.resolve(__dirname, '../../campaigns');
export const LAUNCH_AT = '2025-06-02T08:00:00.000Z'; // a Monday, 10:00 in Berlin: inside every send window

/** A clock the test moves; services read it through `now`. */
export class TestClock {
  private at: Date;
  constructor(iso: string = LAUNCH_AT) {
    this.at = new Date(iso);
  }
  readonly now = (): Date => new Date(this.at.getTime());
  set(iso: string): void {
    this.at = new Date(iso);
  }
  advance(ms: number): void {
    this.at = new Date(this.at.getTime() + ms);
  }
}

export const DAY_MS = 86_400_000;

export interface ShopCustomer {
  email: string;
  firstName?: string;
  consent?: 'yes' | 'no';
  /** Purchase days, `YYYY-MM-DD`; each is one kept order of 42.50 at noon UTC. */
  orderDays: string[];
}

const NAMES = ['Maria', 'Jonas', 'Aïcha', 'Liam', 'Sofia', 'Ngozi', 'Mateo', 'Chloé', 'Kenji'];

/**
 * Bought three times in early 2024, then nothing: lapsed by any rule, P(alive) well under 0.7
 * in June 2025, and worth winning back (so they get an offer). Every tenth has no first name.
 */
export function lapsedCustomers(count: number): ShopCustomer[] {
  return Array.from({ length: count }, (_, k) => {
    const i = 1 + k;
    const day = String(1 + (i % 27)).padStart(2, '0');
    return { email: `c${i}@example.com`, firstName: i % 10 === 0 ? undefined : NAMES[i % NAMES.length], orderDays: [`2024-01-${day}`, `2024-02-${day}`, `2024-03-${day}`] };
  });
}

export interface CampaignVariant {
  /** The shipped file it starts from. */
  base?: 'nostalgia-winback' | 'incident-apology';
  /** Top-level fields replacing the base's; `undefined` removes one. */
  with?: Record<string, unknown>;
}

/** A shipped win-back template as a step: `step('4-should-we-stop', '7d')`. */
export const step = (template: string, delay = '0d', subject = 'A note from {{shopName}}') => ({ template: `nostalgia-winback/${template}`, subject, delay });

/**
 * A win-back variant with just these steps and nobody held out; no frequency cap and no send
 * window unless `extra` sets them, so a test controls exactly what it is about.
 */
export function winback(steps: ReturnType<typeof step>[], extra: Record<string, unknown> = {}): CampaignVariant {
  return { with: { holdout: 0, sendWindow: undefined, frequencyCap: undefined, steps, ...extra } };
}

/** "We miss you" now, "should we stop?" a week later. */
export const TWO_STEPS = winback([step('1-we-miss-you'), step('4-should-we-stop', '7d')]);

export interface ShopOptions {
  customers: ShopCustomer[];
  /** Extra campaign files by name, beside copies of the shipped ones. */
  campaigns?: Record<string, CampaignVariant>;
  /** Config settings on top of the shop's defaults (SMTP_URL, SHOP_TIMEZONE, ...). */
  settings?: Record<string, string>;
  retry?: RetryPolicy;
  clock?: TestClock;
  /** Store a model (default true): win-back campaigns need one. */
  model?: boolean;
}

export interface Shop {
  dir: string;
  services: Services;
  clock: TestClock;
  /** The environment the built CLI needs to work on this shop. */
  env: Record<string, string>;
  customerId(email: string): number;
  /** Imports more orders (a purchase after enrolment, say), numbered after the existing ones. */
  /** Kept orders of 42.50; `refunded` ones are refunded in full. */
  addOrders(records: { email: string; day: string; at?: string; refunded?: boolean }[]): Promise<void>;
  sends(runId?: number): Promise<SendRow[]>;
  /** One dispatcher pass at the clock's time. */
  dispatch(options?: Partial<DispatchOptions>): Promise<DispatchSummary>;
  /**
   * Plays the campaigns forward as the scheduler would: the clock jumps to the next due send
   * (never backwards), one pass runs, until nothing in an active run is due before `until`.
   */
  playForward(until?: string): Promise<DispatchSummary[]>;
  /** Closes this process's services, keeping the files: the built CLI takes over the shop. */
  release(): Promise<void>;
  dispose(): Promise<void>;
}

export interface SendRow {
  id: number;
  runId: number;
  customerId: number;
  email: string;
  step: number;
  status: string;
  messageId: string | null;
  detail: string | null;
}

export async function openShop(options: ShopOptions): Promise<Shop> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'rekindle-campaign-'));
  const campaignsDir = path.join(dir, 'campaigns');
  writeCampaigns(campaignsDir, options.campaigns ?? {});
  const env: Record<string, string> = {
    REKINDLE_ENV: 'test',
    DATABASE_URL: options.settings?.DATABASE_URL ?? (await testDatabaseUrl(dir, 'shop.sqlite')),
    OUTBOX_DIR: path.join(dir, 'outbox'),
    CAMPAIGNS_DIR: campaignsDir,
    SHOP_NAME: 'Bean There',
    SHOP_CURRENCY: 'EUR',
    SHOP_TIMEZONE: 'Europe/Berlin',
    PUBLIC_URL: 'https://rekindle.beanthere.example',
    MAIL_FROM: 'hello@beanthere.example',
    SECRET_KEY: 'test-signing-key-0123456789abcdef0123456789',
    ...options.settings,
  };
  const clock = options.clock ?? new TestClock();
  const services = await wire(parseSettings(env), { clock: clock.now, logger: pino({ level: 'silent' }), retry: options.retry });
  let released = false;
  const release = async () => {
    if (!released) await services.close();
    released = true;
  };
  let orderNumber = 0;
  const orderRecords = (rows: { email: string; firstName?: string; consent?: 'yes' | 'no'; day: string; at?: string; refunded?: boolean }[]): OrderRecord[] =>
    rows.map((r) => {
      orderNumber++;
      return {
        orderId: `order-${orderNumber}`,
        customer: { email: r.email, firstName: r.firstName, consent: r.consent },
        orderedAt: r.at ?? `${r.day}T12:00:00.000Z`,
        orderedDay: r.day,
        currency: 'EUR',
        amountMinor: 4250,
        refundedMinor: r.refunded ? 4250 : 0,
        status: 'kept',
        items: orderNumber % 2 ? ['Ethiopia Yirgacheffe'] : ['Colombia Huila', 'Hario V60 starter kit'],
        line: orderNumber,
      };
    });
  const addOrders = async (rows: Parameters<typeof orderRecords>[0]) => {
    await importOrders(services.db, orderRecords(rows), { source: 'test', file: 'orders', now: clock.now });
  };
  await addOrders(options.customers.flatMap((c) => c.orderDays.map((day) => ({ email: c.email, firstName: c.firstName, consent: c.consent, day }))));
  if (options.model !== false) await storeCdnowModel(services);
  const ids = new Map<string, number>(
    (await services.db.reader.query('SELECT id, email FROM customers')).map((r: { id: number; email: string }) => [r.email, Number(r.id)]),
  );
  return {
    dir,
    services,
    clock,
    env,
    customerId(email) {
      const id = ids.get(email);
      if (id === undefined) throw new Error(`no customer ${email} in this shop`);
      return id;
    },
    addOrders,
    sends: (runId) => sendRows(services, runId),
    dispatch: (dispatch) => services.dispatcher(dispatch).dispatchOnce(),
    async playForward(until = '2100-01-01T00:00:00.000Z') {
      const passes: DispatchSummary[] = [];
      for (let i = 0; i < 100; i++) {
        const [{ next }] = await services.db.reader.query(
          `SELECT MIN(s.due_at) AS next FROM sends s JOIN campaign_runs r ON r.id = s.run_id WHERE s.status IN ('scheduled', 'retry') AND r.state = 'active'`,
        );
        if (!next || next > until) return passes;
        if (new Date(next) > clock.now()) clock.set(next);
        passes.push(await services.dispatcher().dispatchOnce());
      }
      throw new Error('still sending after 100 passes: a send that never settles?');
    },
    release,
    async dispose() {
      await release();
      await dropTestDatabase(env.DATABASE_URL);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Copies of the shipped campaigns, then each variant as JSON (the loader reads both). */
function writeCampaigns(dir: string, variants: Record<string, CampaignVariant>): void {
  mkdirSync(dir, { recursive: true });
  for (const name of ['nostalgia-winback', 'incident-apology']) copyFileSync(path.join(SHIPPED_CAMPAIGNS, `${name}.yaml`), path.join(dir, `${name}.yaml`));
  for (const [name, variant] of Object.entries(variants)) {
    const base = parse(readFileSync(path.join(SHIPPED_CAMPAIGNS, `${variant.base ?? 'nostalgia-winback'}.yaml`), 'utf8')) as Record<string, unknown>;
    writeFileSync(path.join(dir, `${name}.json`), JSON.stringify({ ...base, ...variant.with, name }, null, 2));
  }
}

/**
 * The BG/NBD and Gamma-Gamma parameters published for the CDNOW sample (weeks): a plausible
 * model without the cost of fitting one to a handful of customers. The launch scores with it.
 */
const diagonal = (se: number[]): number[][] => se.map((a, i) => se.map((_, j) => (i === j ? a * a : 0)));

export async function storeCdnowModel(services: Pick<Services, 'db' | 'config'>): Promise<void> {
  const summary = { logLikelihood: 0, converged: true, hitBound: false, iterations: 0, starts: 1, agreeingStarts: 1, customers: 2357 };
  await saveModel(services.db, {
    fittedAt: '2025-01-01T00:00:00.000Z',
    calibrationEnd: '2024-12-31',
    timeUnit: 'week',
    currency: services.config.shop.currency,
    // Standard errors as `fit` reports them on CDNOW (correlations left out): scores get their 90% intervals.
    bgnbd: { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426, ...summary, covariance: diagonal([0.0126, 0.378, 0.186, 0.705]) },
    gammaGamma: { p: 6.25, q: 3.74, gamma: 15.44, ...summary, covariance: diagonal([1.19, 0.29, 4.16]) },
    warnings: [],
    customers: 2357,
    repeatCustomers: 1000,
    dataFrom: '2024-01-01',
  });
}

async function sendRows(services: Services, runId?: number): Promise<SendRow[]> {
  const rows: any[] = await services.db.reader.query(
    `SELECT s.id, s.run_id, s.customer_id, c.email, s.step, s.status, s.message_id, s.detail
       FROM sends s JOIN customers c ON c.id = s.customer_id ${runId === undefined ? '' : `WHERE s.run_id = ${services.db.dialect.param(0)}`} ORDER BY s.id`,
    runId === undefined ? [] : [runId],
  );
  return rows.map((r) => ({
    id: Number(r.id), runId: Number(r.run_id), customerId: Number(r.customer_id), email: r.email, step: Number(r.step), status: r.status, messageId: r.message_id, detail: r.detail,
  }));
}

/** What the unsubscribe page and the bounce handler (other issues) will write: a suppressions row. */
export async function suppress(services: Services, email: string, reason: 'unsubscribed' | 'bounced' | 'complained', at: Date): Promise<void> {
  const d = services.db.dialect;
  await services.db.write((tx) => tx.query(`INSERT INTO suppressions (email, reason, source, at) VALUES ${d.rows(1, 4)}`, [email, reason, 'test', at.toISOString()]));
}

/**
 * For tests that each need their own SMTP server and shop: a fresh sink before each test, and
 * after it the shop (opened with `open`, its SMTP_URL pointing at the sink) disposed of and the
 * sink closed.
 */
export function sinkAndShopPerTest(): { readonly sink: SmtpSink; open(options: ShopOptions): Promise<Shop> } {
  let sink: SmtpSink | undefined;
  let shop: Shop | undefined;
  beforeEach(async () => {
    sink = await startSmtpSink();
  });
  afterEach(async () => {
    await shop?.dispose();
    await sink?.close();
    shop = sink = undefined;
  });
  return {
    get sink() {
      return sink as SmtpSink;
    },
    async open(options) {
      shop = await openShop({ ...options, settings: { SMTP_URL: (sink as SmtpSink).url(), ...options.settings } });
      return shop;
    },
  };
}
