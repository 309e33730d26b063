/**
 * What a marketer does with a campaign: preview it, send a test, launch it, and steer its runs.
 * Wires the pure plan to the database, the scores and the mail composer.
 */
import type { Actor } from '../audit/auditLog';
import type { Services } from '../wiring';
import type { Progress } from '../progress';
import { ConflictError, InputError } from '../domain/errors';
import { formatMoney, Money } from '../domain/money';
import { timeZone } from '../domain/time';
import { latestScores } from '../scoring/audienceScores';
import { hasModel } from '../scoring/modelStore';
import { loadCandidates } from './audience';
import type { Composer } from './composer';
import { launchCampaign, LaunchResult } from './launch';
import { Campaign, findCampaign } from './loader';
import { CampaignPlan, offerExpiry, planCampaign, PlannedEnrolment, ScoreFacts, whyNobody } from './plan';
import { incidentWords, RunInfo } from './runInfo';
import type { SendContext } from './sendContext';
import { projectedSchedule, stepApplies } from './steps';
import type { CampaignStep } from './definition';
import type { Mailer } from '../mail/transport';
import { loadIncident } from './incidents';
import { holdoutPower } from '../reporting/holdoutPower';

export interface CampaignDeps {
  services: Services;
  composer: Composer;
  mailer: Mailer;
  campaignsDir: string;
  viewsDir: string;
}

export interface PreviewStep {
  step: number;
  /** Rendered for the sample; null when nobody in the audience gets this step. */
  subject: string | null;
  sendAt: string | null;
  sample: { customerId: number; html: string; text: string } | null;
}

export class CampaignService {
  constructor(private readonly deps: CampaignDeps) {}

  campaign(name: string): Campaign {
    return findCampaign(this.deps.campaignsDir, this.deps.viewsDir, name);
  }

  async plan(campaign: Campaign, incidentId?: number, progress?: Progress): Promise<{ plan: CampaignPlan; modelVersion: number | null }> {
    const { services } = this.deps;
    const { config } = services;
    const now = services.clock();
    if (campaign.kind === 'incident' && incidentId === undefined) {
      throw new InputError(`"${campaign.name}" is an incident campaign: say which incident with --incident ID`, { field: '--incident' });
    }
    const incident = incidentId === undefined ? undefined : await loadIncident(services.db, incidentId);
    progress?.('loading the audience');
    const everyone = await loadCandidates(services.db, { consentPolicy: config.consentPolicy, incidentId, serviceNotice: campaign.kind === 'incident' });
    // An address erased on request and imported again is not enrolled (and never mailed: the dispatcher checks too).
    const forgotten = await services.forgotten().matcher();
    const candidates = forgotten ? everyone.filter((c) => !forgotten(c.email)) : everyone;
    const today = timeZone(config.shop.timeZone).day(now.getTime());
    let scores: Map<number, ScoreFacts> | undefined;
    let modelVersion: number | null = null;
    if (campaign.kind === 'winback' || (await hasModel(services.db))) {
      const audience = await latestScores(services, { asOf: today, progress });
      progress?.('planning budgets and offers');
      modelVersion = audience.modelVersion;
      scores = new Map(audience.scores.map((s) => [s.customerId, { pAlive: s.pAlive, valueOfWinBack: s.valueOfWinBack, valueOfWinBackLow: s.valueOfWinBackLow, expectedSpend: s.expectedSpend }]));
    }
    const plan = planCampaign({
      campaign, candidates, scores, now, today, currency: config.shop.currency, value: config.value,
      incident: incident && { id: incident.id, whatHappened: incident.description, harm: incident.makeGood },
    });
    return { plan, modelVersion };
  }

  async preview(name: string, incidentId?: number) {
    const { services } = this.deps;
    const campaign = this.campaign(name);
    const now = services.clock();
    const planned = await this.previewPlan(campaign, incidentId);
    const plan = { ...planned.plan, offerExpiresAt: offerExpiry(campaign, now) };
    const currency = services.config.shop.currency;
    const treated = plan.enrolments.filter((e) => !e.holdout);
    const run = await this.previewRun(campaign, incidentId);
    const steps: PreviewStep[] = [];
    for (let i = 0; i < campaign.steps.length; i++) {
      // Each step shown for someone who gets it; a step nobody gets has no subject to show.
      const sample = sampleFor(campaign.steps[i], treated);
      const due = sample && projectedSchedule(campaign.steps, sample.treatment, now, campaign.sendWindow, services.config.shop.timeZone).find((s) => s.step === i + 1);
      let rendered: PreviewStep['sample'] = null;
      let subject: string | null = null;
      if (sample && (due || campaign.steps[i].trigger !== 'schedule')) {
        // As it will read when it goes out: "ends in 4 days", not "in 21 days" from today.
        const email = await this.deps.composer.render(this.sampleContext(sample, i + 1, plan), run, due ? due.dueAt : now);
        subject = email.subject;
        rendered = { customerId: sample.candidate.customerId, html: email.html, text: email.text };
      }
      steps.push({ step: i + 1, subject, sendAt: due ? due.dueAt.toISOString() : null, sample: rendered });
    }
    return {
      campaign: campaign.name,
      audience: plan.treated + plan.holdout,
      treated: plan.treated,
      holdout: plan.holdout,
      /** Why nobody would get an email, or null. */
      nobodyToPreview: whyNobody(campaign, plan),
      currency,
      budgetTotal: formatMoney(plan.budgetTotal, currency),
      /** Both budgets' totals and which one applies (BUDGET_BASIS, or the campaign's budget.basis). */
      budgetBasis: plan.budgetBasis,
      budgetTotals: { estimate: formatMoney(plan.budgetTotals.estimate, currency), lower: plan.budgetTotals.lower && formatMoney(plan.budgetTotals.lower, currency) },
      expectedCost: formatMoney(plan.expectedCost, currency),
      expectedIncrementalMargin: formatMoney(plan.expectedIncrementalMargin, currency),
      expectedRoi: plan.expectedCost.isZero() ? null : plan.expectedIncrementalMargin.minus(plan.expectedCost).div(plan.expectedCost).toDecimalPlaces(2).toNumber(),
      ...planned.power,
      steps,
    };
  }

  /**
   * The preview's plan and holdout power, kept until the database changes (db/stampedMemo.ts):
   * reading 100,000 customers and their scores takes seconds, and the console shows a preview on
   * every visit. Keyed on the campaign file's content and the shop's day, which the audience rule
   * reads; the offers' end moves with the minute, so the caller sets it.
   */
  private previewPlan(campaign: Campaign, incidentId: number | undefined) {
    const { services } = this.deps;
    const today = timeZone(services.config.shop.timeZone).day(services.clock().getTime());
    const key = JSON.stringify([campaign, incidentId ?? null, today]);
    return services.db.memo<{ plan: CampaignPlan; power: Awaited<ReturnType<CampaignService['holdoutPower']>> }>('campaignPreview', 4).get(key, async () => {
      const { plan, modelVersion } = await this.plan(campaign, incidentId);
      return { plan, power: await this.holdoutPower(campaign, plan, modelVersion) };
    });
  }

  async launch(name: string, options: { newRun?: boolean; expectRuns?: number; incidentId?: number; progress?: Progress; actor?: Actor }): Promise<LaunchResult> {
    const { services } = this.deps;
    const campaign = this.campaign(name);
    const { plan, modelVersion } = await this.plan(campaign, options.incidentId, options.progress);
    return launchCampaign(services.db, campaign, plan, {
      newRun: options.newRun, expectRuns: options.expectRuns, incidentId: options.incidentId, modelVersion, currency: services.config.shop.currency, timeZone: services.config.shop.timeZone, now: services.clock(),
      progress: options.progress, actor: options.actor,
    });
  }

  /** Every step rendered for a sample customer, sent to the marketer's own address. */
  async test(name: string, to: string, incidentId?: number): Promise<{ to: string; sent: { step: number; file: string }[] }> {
    if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(to)) throw new InputError(`"${to}" is not an email address`, { field: '--to' });
    const campaign = this.campaign(name);
    const { plan } = await this.plan(campaign, incidentId);
    const sample = plan.enrolments.find((e) => e.offer) ?? plan.enrolments[0];
    if (!sample) throw new ConflictError(`"${name}" has nobody in its audience to use as a sample`);
    const run = await this.previewRun(campaign, incidentId);
    const now = this.deps.services.clock();
    const sent: { step: number; file: string }[] = [];
    for (let i = 0; i < campaign.steps.length; i++) {
      const ctx = { ...this.sampleContext(sample, i + 1, plan), email: to };
      const message = await this.deps.composer.compose(ctx, run, now, { sendId: `test-${now.getTime()}-${i + 1}` });
      const outcome = await this.deps.mailer.send(message);
      if (outcome.status === 'failed') throw new ConflictError(`test email for step ${i + 1} failed: ${outcome.failure.reason}`);
      sent.push({ step: i + 1, file: outcome.detail });
    }
    return { to, sent };
  }

  /** What the planned holdout can detect (issue 12 item 3); an incident campaign holds nobody out on purpose. */
  private async holdoutPower(campaign: Campaign, plan: CampaignPlan, modelVersion: number | null) {
    const { config, db, clock } = this.deps.services;
    return holdoutPower(db, {
      modelVersion: campaign.kind === 'incident' ? null : modelVersion,
      asOf: timeZone(config.shop.timeZone).day(clock().getTime()),
      customerIds: plan.enrolments.map((e) => e.candidate.customerId),
      treated: plan.treated,
      holdout: plan.holdout,
      attributionWindowDays: campaign.attributionWindowDays,
      marginRate: campaign.budget.margin ?? config.value.margin,
      expectedIncentiveCost: plan.expectedCost,
      sendCostEach: new Money(config.value.sendCost),
      emailsPerTreated: campaign.steps.filter((s) => s.trigger === 'schedule').length,
    });
  }

  private async previewRun(campaign: Campaign, incidentId?: number): Promise<RunInfo> {
    return {
      id: 0, state: 'preview', campaign, currency: this.deps.services.config.shop.currency,
      templateFiles: campaign.templateFiles,
      incident: incidentId === undefined ? null : await incidentWords(this.deps.services.db, incidentId),
    };
  }

  private sampleContext(e: PlannedEnrolment, step: number, plan: CampaignPlan): SendContext {
    return {
      send: { id: 0, runId: 0, enrolmentId: 0, customerId: e.candidate.customerId, step, attempts: 0, dueAt: '', campaign: '' },
      email: e.candidate.email, firstName: e.candidate.firstName, consent: e.candidate.consent, suppression: null,
      treatment: e.treatment, offer: e.offer ? JSON.parse(JSON.stringify(e.offer.rung)) : null,
      offerExpiresAt: e.offer ? plan.offerExpiresAt.toISOString() : null, budgetMinor: 0, facts: e.candidate.facts,
      enrolledAt: '', exitedAt: null, exitReason: null, purchasedSince: false, recentSends: [],
    };
  }
}

/** A treated customer who gets this step, one with an offer when there is one. */
function sampleFor(step: CampaignStep, treated: readonly PlannedEnrolment[]): PlannedEnrolment | null {
  const gets = step.trigger === 'schedule' ? treated.filter((e) => stepApplies(step, e.treatment)) : treated;
  return gets.find((e) => e.offer) ?? gets[0] ?? null;
}
