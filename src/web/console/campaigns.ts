/**
 * /console/campaigns: the campaign files in CAMPAIGNS_DIR (a broken one shows its error, naming
 * file, line and field, instead of hiding the rest) and every run with its state and progress.
 */
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { Campaign, loadCampaign } from '../../campaigns/loader';
import { listRuns } from '../../campaigns/runList';
import { InputError, NotFoundError, RekindleError } from '../../domain/errors';
import { formatMoney } from '../../domain/money';
import type { Services } from '../../wiring';
import { count, money } from './format';
import type { ConsoleRoute } from './index';
import { launchRoutes } from './launch';
import { runProgress } from './overviewModel';
import { runsRoutes } from './runs';

const CAMPAIGN_FILE = /\.(ya?ml|json)$/;

export function campaignDefinitions(services: Services) {
  const { campaignsDir, viewsDir } = services.config;
  const currency = services.config.shop.currency;
  if (!existsSync(campaignsDir)) return [];
  return readdirSync(campaignsDir)
    .filter((f) => CAMPAIGN_FILE.test(f))
    .sort()
    .map((f) => {
      const file = path.join(campaignsDir, f);
      try {
        const c = loadCampaign(file, viewsDir);
        return {
          name: c.name,
          file: f,
          kind: c.kind === 'incident' ? 'apology for an incident' : 'win-back',
          incident: c.kind === 'incident',
          description: c.description ?? '',
          steps: count(c.steps.length),
          holdout: `${Math.round(c.holdout * 1000) / 10}%`,
          window: `${c.attributionWindowDays} days`,
          offers: c.ladder.length ? c.ladder.map((r) => r.label.replace('{amount}', r.kind === 'fixed_credit' ? money(formatMoney(r.amount, currency), currency) : 'an amount')).join('; ') : 'none',
          error: null,
        };
      } catch (error) {
        if (!(error instanceof RekindleError)) throw error;
        return { name: f.replace(CAMPAIGN_FILE, ''), file: f, error: error.message };
      }
    });
}

export async function campaignsModel(services: Services) {
  const zone = services.config.shop.timeZone;
  const definitions = campaignDefinitions(services);
  const runs = (await listRuns(services.db)).map((r) => ({ ...runProgress(r, zone), ended: r.state !== 'active' && r.state !== 'paused' }));
  return { title: 'Campaigns', section: 'campaigns', definitions, runs, campaignsDir: services.config.campaignsDir };
}

/** One campaign: its file in words, its steps, and its runs; a campaign whose file is gone still shows its runs. */
export async function campaignModel(services: Services, name: string) {
  const zone = services.config.shop.timeZone;
  const runs = (await listRuns(services.db)).filter((r) => r.campaign === name).map((r) => runProgress(r, zone));
  let c: Campaign;
  try {
    c = services.campaigns().campaign(name);
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    if (!runs.length) throw new NotFoundError(error.problem);
    return { title: `Campaign ${name}`, section: 'campaigns', name, missing: error.problem, runs };
  }
  return {
    title: `Campaign ${c.name}`,
    section: 'campaigns',
    name: c.name,
    definition: campaignDefinitions(services).find((d) => d.name === c.name),
    file: path.basename(c.file),
    steps: c.steps.map((st, i) => ({ step: i + 1, subject: st.subject, template: st.template, trigger: st.trigger === 'schedule' ? `${st.delay} after the previous step` : `on ${st.trigger}` })),
    runs,
  };
}

/** The campaigns section: this list, each run (runs.ts) and preview and launch (launch.ts). */
export const campaignsRoutes: ConsoleRoute[] = [
  ...runsRoutes,
  ...launchRoutes,
  {
    method: 'get',
    path: '/campaigns',
    roles: ['marketer'],
    handlers: (ctx) => [async (_req, res) => ctx.views.page(res, 'campaigns', await campaignsModel(ctx.services))],
  },
  {
    method: 'get',
    path: '/campaigns/:name',
    roles: ['marketer'],
    handlers: (ctx) => [async (req, res) => ctx.views.page(res, 'campaigns-one', await campaignModel(ctx.services, String(req.params.name)))],
  },
];
