/**
 * The one place that reads process.env (and the optional rekindle.config.json). Everything else
 * receives a typed, validated Config; a bad value stops the program naming the variable.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { ConfigError } from './domain/errors';
import { isCurrency } from './domain/money';

const decimalText = z.coerce.string().regex(/^\d{1,12}(\.\d{1,4})?$/, 'a decimal amount like 30.00');

const DAYS = 'a whole number of days from 0 to 90';

const timeZone = z.string().refine((tz) => {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}, 'an IANA time zone such as Europe/Berlin or UTC');

const schema = z.object({
  REKINDLE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  DATABASE_URL: z
    .string()
    .regex(/^(sqlite:.+|postgres(ql)?:\/\/.+)$/, 'sqlite:PATH or postgres://USER:PASSWORD@HOST/DB')
    .default('sqlite:./data/rekindle.sqlite'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  PUBLIC_URL: z.string().url('an absolute URL such as https://shop.example/rekindle').optional(),
  SECRET_KEY: z.string().min(32, 'at least 32 characters (e.g. `openssl rand -hex 32`)').optional(),
  PREVIOUS_SECRET_KEYS: z.string().optional(),
  OUTBOX_DIR: z.string().min(1).default('./outbox'),
  SMTP_URL: z.string().regex(/^smtps?:\/\/.+/, 'smtp://HOST:PORT or smtps://USER:PASS@HOST:PORT').optional(),
  SHOP_NAME: z.string().min(1).max(200).default('Our shop'),
  SHOP_CURRENCY: z.string().refine(isCurrency, 'an ISO 4217 currency code such as EUR or USD').default('USD'),
  SHOP_TIMEZONE: timeZone.default('UTC'),
  SHOPIFY_WEBHOOK_SECRET: z.string().min(1).optional(),
  CONSENT_POLICY: z.enum(['soft-opt-in', 'strict']).default('soft-opt-in'),
  /** What acquiring a comparable new customer costs, in the shop currency. */
  CAC: decimalText.default('30.00'),
  /** Share of the value of winning a customer back the shop is willing to invest. */
  WINBACK_SHARE: z.coerce.number().min(0).max(1).default(0.5),
  GROSS_MARGIN: z.coerce.number().min(0).max(1).default(0.4),
  /** What one email costs to send (ESP fees), in the shop currency: the report's send cost. */
  SEND_COST: decimalText.default('0'),
  CLV_MONTHS: z.coerce.number().int().min(1).max(120).default(12),
  /** Per month. */
  DISCOUNT_RATE: z.coerce.number().min(0).max(1).default(0.01),
  CUSTOMER_BUDGET_CAP: decimalText.optional(),
  ZERO_VALUE_POLICY: z.enum(['nostalgia-only', 'exclude']).default('nostalgia-only'),
  MAKE_GOOD_WITHIN_CAP: z.enum(['true', 'false']).default('false'),
  /** Which value of winning back the budget rule uses: the estimate, or its 90% interval's lower end. */
  BUDGET_BASIS: z.enum(['estimate', 'lower']).default('estimate'),
  /** JSON offer ladder used by `score` and the offer advisor; campaigns carry their own. */
  OFFER_LADDER: z.union([z.string(), z.array(z.unknown())]).optional(),
  /** The sending address (on the DKIM domain); replies go to the campaign's spokesperson. */
  MAIL_FROM: z.string().email('an email address like hello@shop.example').optional(),
  SMTP_MAX_CONNECTIONS: z.coerce.number().int().min(1).max(50).default(5),
  /** Messages per second through SMTP; 0 means no limit. */
  SMTP_RATE_LIMIT: z.coerce.number().int().min(0).default(0),
  DKIM_DOMAIN: z.string().min(1).optional(),
  DKIM_SELECTOR: z.string().min(1).optional(),
  DKIM_PRIVATE_KEY_FILE: z.string().min(1).optional(),
  /** Campaign definitions and email/page templates; default: the ones shipped with Rekindle. */
  CAMPAIGNS_DIR: z.string().min(1).optional(),
  VIEWS_DIR: z.string().min(1).optional(),
  SHOP_POSTAL_ADDRESS: z.string().min(1).max(500).default('Rekindle Demo Shop, 1 Example Street, 10115 Berlin, Germany'),
  /** Owners who get the weekly digest, comma-separated; none: no digest is sent. */
  DIGEST_TO: z
    .string()
    .refine((v) => v.split(',').every((a) => z.string().email().safeParse(a.trim()).success), 'comma-separated email addresses like owner@shop.example, partner@shop.example')
    .optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Requests per minute to /api per API key, and to /api and the webhook per client address. */
  API_RATE_LIMIT_PER_KEY: z.coerce.number().int().min(1).default(600),
  API_RATE_LIMIT_PER_ADDRESS: z.coerce.number().int().min(1).default(1200),
  /** A console session ends after this many hours without a request... */
  CONSOLE_SESSION_IDLE_HOURS: z.coerce.number().min(0.01).max(24 * 30).default(12),
  /** ...and this many days after sign-in, whatever happens. */
  CONSOLE_SESSION_DAYS: z.coerce.number().min(0.01).max(90).default(7),
  /** Failed console sign-ins per 15 minutes per email; per client address five times as many. */
  CONSOLE_SIGN_IN_ATTEMPTS: z.coerce.number().int().min(1).max(1000).default(10),
  /** Days a customer may wait for an answer before their feedback case is overdue. */
  FEEDBACK_REMINDER_DAYS: z.coerce.number({ message: DAYS }).int(DAYS).min(0, DAYS).max(90, DAYS).default(2),
});

export type RawSettings = z.input<typeof schema>;
type Settings = z.output<typeof schema>;

export interface Config {
  env: Settings['REKINDLE_ENV'];
  database: { kind: 'sqlite'; path: string } | { kind: 'postgres'; url: string };
  port: number;
  publicUrl: string;
  /** Undefined means "embedded default": wiring generates one beside the database and says so. */
  secretKey?: string;
  previousSecretKeys: string[];
  outboxDir: string;
  smtpUrl?: string;
  shop: { name: string; currency: string; timeZone: string };
  shopifyWebhookSecret?: string;
  /** What an unknown marketing consent means: soft opt-in for existing customers, or no. */
  consentPolicy: Settings['CONSENT_POLICY'];
  /** Inputs of the CLV and budget calculation; money as decimal strings in the shop currency. */
  value: {
    cac: string;
    /** Per email sent, decimal string. */
    sendCost: string;
    share: number;
    margin: number;
    months: number;
    discountRate: number;
    customerCap?: string;
    zeroValue: Settings['ZERO_VALUE_POLICY'];
    makeGoodWithinCap: boolean;
    budgetBasis: Settings['BUDGET_BASIS'];
    /** Raw ladder from config (JSON text or array); validated where it is used. */
    offerLadder?: unknown;
  };
  postalAddress: string;
  campaignsDir: string;
  viewsDir: string;
  mail: {
    from: string;
    smtpMaxConnections: number;
    smtpRateLimit: number;
    dkim?: { domain: string; selector: string; privateKeyFile: string };
  };
  logLevel: Settings['LOG_LEVEL'];
  /** Requests per minute: per API key on /api, per client address on /api and the webhook. */
  rateLimits: { perKey: number; perAddress: number };
  /** DIGEST_TO: who gets the weekly digest; empty means nobody. */
  digestTo: string[];
  /** Console sessions (idle and absolute lifetime) and failed sign-ins allowed per 15 minutes per email. */
  console: { sessionIdleMs: number; sessionMaxMs: number; signInAttempts: number };
  /** FEEDBACK_REMINDER_DAYS: a case waiting longer is overdue (console, digest). */
  feedback: { reminderDays: number };
}

/** The folder holding package.json: the same from src/ (tests) and dist/src/ (the built CLI). */
export const PROJECT_ROOT = (() => {
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'package.json'))) return dir;
    if (path.dirname(dir) === dir) return process.cwd();
  }
})();

const KEYS = Object.keys(schema.shape) as (keyof RawSettings)[];

/** Environment variables win over rekindle.config.json, which wins over defaults. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): Config {
  const fromFile = readConfigFile(env.REKINDLE_CONFIG ?? path.join(cwd, 'rekindle.config.json'), !!env.REKINDLE_CONFIG);
  const merged: Record<string, unknown> = { ...fromFile };
  for (const key of KEYS) if (env[key] !== undefined && env[key] !== '') merged[key] = env[key];
  return parseSettings(merged);
}

export function parseSettings(raw: Record<string, unknown>): Config {
  const result = schema.safeParse(raw);
  if (!result.success) {
    const issue = result.error.issues[0];
    const variable = String(issue.path[0] ?? 'config');
    const given = raw[variable];
    throw new ConfigError(variable, `${given === undefined ? 'missing' : JSON.stringify(given) + ' is not allowed'}; expected ${issue.message}`);
  }
  const s = result.data;
  const url = s.DATABASE_URL;
  const database = url.startsWith('sqlite:')
    ? { kind: 'sqlite' as const, path: url.slice('sqlite:'.length) }
    : { kind: 'postgres' as const, url };
  return {
    env: s.REKINDLE_ENV,
    database,
    port: s.PORT,
    publicUrl: (s.PUBLIC_URL ?? `http://localhost:${s.PORT}`).replace(/\/+$/, ''),
    secretKey: s.SECRET_KEY,
    previousSecretKeys: (s.PREVIOUS_SECRET_KEYS ?? '').split(',').map((k) => k.trim()).filter(Boolean),
    outboxDir: s.OUTBOX_DIR,
    smtpUrl: s.SMTP_URL,
    shop: { name: s.SHOP_NAME, currency: s.SHOP_CURRENCY, timeZone: s.SHOP_TIMEZONE },
    shopifyWebhookSecret: s.SHOPIFY_WEBHOOK_SECRET,
    consentPolicy: s.CONSENT_POLICY,
    value: {
      cac: s.CAC,
      sendCost: s.SEND_COST,
      share: s.WINBACK_SHARE,
      margin: s.GROSS_MARGIN,
      months: s.CLV_MONTHS,
      discountRate: s.DISCOUNT_RATE,
      customerCap: s.CUSTOMER_BUDGET_CAP,
      zeroValue: s.ZERO_VALUE_POLICY,
      makeGoodWithinCap: s.MAKE_GOOD_WITHIN_CAP === 'true',
      budgetBasis: s.BUDGET_BASIS,
      offerLadder: typeof s.OFFER_LADDER === 'string' ? parseJsonSetting('OFFER_LADDER', s.OFFER_LADDER) : s.OFFER_LADDER,
    },
    postalAddress: s.SHOP_POSTAL_ADDRESS,
    campaignsDir: path.resolve(s.CAMPAIGNS_DIR ?? path.join(PROJECT_ROOT, 'campaigns')),
    viewsDir: path.resolve(s.VIEWS_DIR ?? path.join(PROJECT_ROOT, 'views')),
    mail: {
      from: s.MAIL_FROM ?? `rekindle@${new URL(s.PUBLIC_URL ?? 'http://localhost').hostname.replace(/^localhost$/, 'localhost.localdomain')}`,
      smtpMaxConnections: s.SMTP_MAX_CONNECTIONS,
      smtpRateLimit: s.SMTP_RATE_LIMIT,
      dkim: dkimOf(s),
    },
    logLevel: s.LOG_LEVEL,
    rateLimits: { perKey: s.API_RATE_LIMIT_PER_KEY, perAddress: s.API_RATE_LIMIT_PER_ADDRESS },
    digestTo: (s.DIGEST_TO ?? '').split(',').map((a) => a.trim()).filter(Boolean),
    console: { sessionIdleMs: s.CONSOLE_SESSION_IDLE_HOURS * 3_600_000, sessionMaxMs: s.CONSOLE_SESSION_DAYS * 86_400_000, signInAttempts: s.CONSOLE_SIGN_IN_ATTEMPTS },
    feedback: { reminderDays: s.FEEDBACK_REMINDER_DAYS },
  };
}

function dkimOf(s: Settings): Config['mail']['dkim'] {
  const parts = [s.DKIM_DOMAIN, s.DKIM_SELECTOR, s.DKIM_PRIVATE_KEY_FILE];
  if (parts.every((p) => p === undefined)) return undefined;
  const names = ['DKIM_DOMAIN', 'DKIM_SELECTOR', 'DKIM_PRIVATE_KEY_FILE'];
  const missing = names.filter((_, i) => parts[i] === undefined);
  if (missing.length) throw new ConfigError(missing[0], `missing; DKIM needs ${names.join(', ')} together`);
  return { domain: s.DKIM_DOMAIN as string, selector: s.DKIM_SELECTOR as string, privateKeyFile: s.DKIM_PRIVATE_KEY_FILE as string };
}

function parseJsonSetting(variable: string, text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new ConfigError(variable, `is not valid JSON (${(error as Error).message})`);
  }
}

function readConfigFile(file: string, required: boolean): Record<string, unknown> {
  if (!existsSync(file)) {
    if (required) throw new ConfigError('REKINDLE_CONFIG', `${file} does not exist`);
    return {};
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new ConfigError(file, `is not valid JSON (${(error as Error).message})`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new ConfigError(file, 'must be a JSON object of settings, e.g. {"SHOP_NAME": "Bean There"}');
  }
  for (const key of Object.keys(parsed)) {
    if (!(KEYS as string[]).includes(key)) throw new ConfigError(`${file}: ${key}`, `is not a setting; allowed: ${KEYS.join(', ')}`);
  }
  return parsed as Record<string, unknown>;
}
