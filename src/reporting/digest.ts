/**
 * The owners' digest: each running or recently ended run's headline figures, the customers'
 * feedback waiting for a reply, and where to read more, as plain text and HTML. `collectDigest`
 * reads the database at the services' clock; `composeDigest` only formats what it is given.
 */
import type { Services } from '../wiring';
import { digestWeek } from '../domain/digestWeek';
import { waitingCases, WaitingCases } from '../feedback/inbox';
import { timeZone } from '../domain/time';
import { percent, points, shareOf, withInterval } from './figures';
import type { RunReport } from './reportTypes';
import { DEFAULT_ATTRIBUTION_DAYS, runReport } from './runReport';

/** The outbox folder digests land in, beside the campaigns' folders. */
export const DIGEST_FOLDER = 'owner-digests';

const DAY = 86_400_000;
/** A run stays in the digest this long after its attribution window closed. */
const RECENT_DAYS = 14;
/** Runs launched longer ago than this are not even looked at. */
const LOOK_BACK_DAYS = 400;
const LATEST_FEEDBACK = 3;
const EXCERPT = 280;

export interface DigestRun {
  state: string;
  report: RunReport;
}

export interface DigestContent {
  shopName: string;
  /** PUBLIC_URL: where the report API answers. */
  publicUrl: string;
  /** The Monday of the digest's week, `YYYY-MM-DD` in the shop's time zone. */
  weekOf: string;
  runs: DigestRun[];
  feedback: {
    total: number;
    lastWeek: number;
    latest: { at: string; campaign: string | null; message: string }[];
    /** Cases whose customer has waited longer than FEEDBACK_REMINDER_DAYS, and the longest few. */
    waiting: WaitingCases;
  };
}

export async function collectDigest(services: Services): Promise<DigestContent> {
  const { db, config } = services;
  const now = services.clock().getTime();
  const p = (i: number) => db.dialect.param(i);
  const candidates: { id: number; state: string; launched_at: string; definition: string }[] = await db.reader.query(
    `SELECT id, state, launched_at, definition FROM campaign_runs WHERE launched_at >= ${p(0)} ORDER BY id`,
    [new Date(now - LOOK_BACK_DAYS * DAY).toISOString()],
  );
  const runs: DigestRun[] = [];
  for (const c of candidates) {
    const running = c.state === 'active' || c.state === 'paused';
    // The report's own window end, known before the report: an ended run long past it is not read at all (the console's overview shows this digest on every visit).
    const windowTo = Date.parse(c.launched_at) + ((JSON.parse(c.definition) as { attributionWindowDays?: number }).attributionWindowDays ?? DEFAULT_ATTRIBUTION_DAYS) * DAY;
    if (!running && windowTo < now - RECENT_DAYS * DAY) continue;
    runs.push({ state: c.state, report: await runReport(services, Number(c.id)) });
  }
  const [counts] = await db.reader.query(`SELECT COUNT(*) AS total, SUM(CASE WHEN at >= ${p(0)} THEN 1 ELSE 0 END) AS recent FROM feedback`, [
    new Date(now - 7 * DAY).toISOString(),
  ]);
  const latest: { at: string; campaign: string | null; message: string }[] = await db.reader.query(
    `SELECT f.at, r.campaign, f.message FROM feedback f LEFT JOIN campaign_runs r ON r.id = f.run_id ORDER BY f.at DESC, f.id DESC LIMIT ${LATEST_FEEDBACK}`,
  );
  const waiting = await waitingCases(db, services.clock(), config.feedback.reminderDays);
  return {
    shopName: config.shop.name,
    publicUrl: config.publicUrl,
    weekOf: digestWeek(now, timeZone(config.shop.timeZone)).week,
    runs,
    feedback: { total: Number(counts.total), lastWeek: Number(counts.recent ?? 0), latest, waiting },
  };
}

export interface ComposedDigest {
  subject: string;
  text: string;
  html: string;
}

const longDate = (iso: string) => new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' }).format(new Date(iso.slice(0, 10)));
const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
const excerpt = (message: string) => (message.length > EXCERPT ? `${message.slice(0, EXCERPT - 1)}…` : message);

/** One run's headline, as lines; HTML and text share them (HTML escapes each). */
function runLines(run: DigestRun): { title: string; lines: string[] } {
  const r = run.report;
  const money = (v: string | number | null) => (v === null ? '—' : `${r.currency} ${v}`);
  const until = `${r.window.open ? 'orders count until' : 'orders counted until'} ${longDate(r.window.to)}`;
  return {
    title: `${r.campaign}, run ${r.runId} (${run.state}; ${until})`,
    lines: [
      `${r.treated} treated, ${r.holdout} held out; ${r.sent} emails sent, ${plural(r.redeemed, 'code')} redeemed`,
      `came back: ${r.reactivated.treated} treated (${shareOf(r.reactivated.treated, r.treated)}), ${r.reactivated.holdout} held out (${shareOf(r.reactivated.holdout, r.holdout)})`,
      `incremental reactivation rate: ${withInterval(r.incrementalReactivationRate, points, 'pts')}`,
      `incremental margin: ${withInterval(r.incrementalMargin, money)}; ROI ${percent(r.roi)}; cost per win-back ${money(r.costPerWinBack)} (a new customer costs ${money(r.cac)})`,
      ...r.caveats.map((c) => `note: ${c}`),
    ],
  };
}

export function composeDigest(c: DigestContent): ComposedDigest {
  const week = longDate(c.weekOf);
  const subject = `${c.shopName}: your Rekindle week of ${week} (${plural(c.runs.length, 'campaign')}, ${plural(c.feedback.total, 'feedback message')})`;
  const runs = c.runs.map(runLines);
  const f = c.feedback;
  const w = f.waiting;
  const waitingHead = `Waiting longer than ${plural(w.reminderDays, 'day')} for an answer: ${plural(w.count, 'customer')} (${w.waiting} waiting in all).`;
  const waitingLines = w.oldest.map((c) => `${c.customer}, waiting since ${longDate(c.waitingSince)}, ${c.assignee ? `with ${c.assignee}` : 'unassigned'} (case ${c.id})`);
  const waitingNote = `Answer them in the console: ${c.publicUrl}/console/feedback`;
  const feedbackHead = f.total
    ? `Feedback received: ${plural(f.total, 'message')}, ${f.lastWeek} of them this week.`
    : 'No feedback has come in yet.';
  const latest = f.latest.map((m) => ({ head: `${longDate(m.at)}${m.campaign ? `, ${m.campaign}` : ', by email'}:`, message: excerpt(m.message) }));
  const ids = c.runs.map((r) => r.report.runId);
  const readMore = ids.length
    ? `Read more on the server: ${ids.map((id) => `\`rekindle report ${id}\``).join(', ')} (add --json or --csv for every figure), ` +
      `or with an API key: ${ids.map((id) => `${c.publicUrl}/api/runs/${id}/report`).join(', ')}.`
    : 'Read more on the server: `rekindle campaign list` and `rekindle report CAMPAIGN`.';
  const none = 'No campaign is running or ended in the last two weeks.';

  const text = [
    `Your Rekindle week of ${week} at ${c.shopName}`,
    '',
    ...(runs.length ? runs.flatMap((r) => [r.title, ...r.lines.map((l) => `  ${l}`), '']) : [none, '']),
    ...(w.waiting ? [waitingHead, ...waitingLines.map((l) => `  - ${l}`), waitingNote, ''] : []),
    feedbackHead,
    ...latest.map((m) => `  - ${m.head} "${m.message}"`),
    '',
    readMore,
    '',
  ].join('\n');

  const e = escapeHtml;
  const html = [
    '<!doctype html>',
    `<html lang="en"><head><meta charset="utf-8"><title>${e(subject)}</title></head>`,
    '<body style="font-family: sans-serif; line-height: 1.4; color: #222; max-width: 40em">',
    `<h1 style="font-size: 1.3em">Your Rekindle week of ${e(week)} at ${e(c.shopName)}</h1>`,
    ...(runs.length ? runs.map((r) => `<h2 style="font-size: 1.1em">${e(r.title)}</h2>\n<ul>${r.lines.map((l) => `<li>${e(l)}</li>`).join('')}</ul>`) : [`<p>${e(none)}</p>`]),
    ...(w.waiting
      ? [`<h2 style="font-size: 1.1em">${e(waitingHead)}</h2>`, ...(waitingLines.length ? [`<ul>${waitingLines.map((l) => `<li>${e(l)}</li>`).join('')}</ul>`] : []), `<p>${e(waitingNote)}</p>`]
      : []),
    `<h2 style="font-size: 1.1em">${e(feedbackHead)}</h2>`,
    ...(latest.length ? [`<ul>${latest.map((m) => `<li>${e(m.head)} <q>${e(m.message)}</q></li>`).join('')}</ul>`] : []),
    `<p>${e(readMore).replace(/`([^`]+)`/g, '<code>$1</code>')}</p>`,
    '</body></html>',
    '',
  ].join('\n');
  return { subject, text, html };
}

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => HTML_ESCAPES[ch]);
}
