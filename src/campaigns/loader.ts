/**
 * Reads campaign files (YAML or JSON) from `campaigns/`, validates them, and says exactly what
 * is wrong: `campaigns/winback.yaml:14: steps[1].delay: "3 days" is not allowed; expected a
 * duration like 30m, 4h, 3d or 2w`.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { LineCounter, parseDocument } from 'yaml';
import { InputError } from '../domain/errors';
import { validateOfferLadder, OfferLadder } from '../domain/offers';
import { campaignSchema, CampaignFile } from './definition';
import { checkOfferTiming } from './offerTiming';
import { offerLabelProblem } from '../mail/recipient';

export interface Campaign extends CampaignFile {
  file: string;
  ladder: OfferLadder;
  /** Absolute path of each step's MJML template, in step order. */
  templateFiles: string[];
}

const EXTENSIONS = ['.yaml', '.yml', '.json'];

export function loadCampaign(file: string, viewsDir: string): Campaign {
  const lineCounter = new LineCounter();
  const text = readText(file);
  const doc = parseDocument(text, { lineCounter, prettyErrors: false });
  if (doc.errors.length) {
    const e = doc.errors[0];
    throw new InputError(`is not valid YAML or JSON: ${e.message.split('\n')[0]}`, { file, line: lineCounter.linePos(e.pos[0]).line });
  }
  const lineOf = (fieldPath: (string | number)[]) => {
    for (let p = fieldPath; p.length; p = p.slice(0, -1)) {
      const node = doc.getIn(p, true) as { range?: [number, number, number] } | undefined;
      if (node?.range) return lineCounter.linePos(node.range[0]).line;
    }
    return undefined;
  };
  const raw = doc.toJS() as unknown;
  const parsed = campaignSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const given = issue.path.length ? doc.getIn(issue.path as (string | number)[]) : undefined;
    const what = issue.code === 'unrecognized_keys' ? `${issue.keys.join(', ')}: is not a campaign field` : given === undefined ? `missing; expected ${issue.message}` : `${JSON.stringify(given)} is not allowed; expected ${issue.message}`;
    throw new InputError(what, { file, line: lineOf(issue.path as (string | number)[]), field: fieldName(issue.path as (string | number)[]) || undefined });
  }
  const campaign = parsed.data;
  const ladder = validateOfferLadder(campaign.offers.ladder.map(moneyFieldsToStrings));
  if (!ladder.ok) {
    const p = ladder.problems[0];
    throw new InputError(p.problem, { file, line: lineOf(['offers', 'ladder']), field: `offers.ladder${p.field}` });
  }
  ladder.ladder.forEach((rung, i) => {
    const problem = offerLabelProblem(rung);
    if (problem) throw new InputError(problem, { file, line: lineOf(['offers', 'ladder', i, 'label']), field: `offers.ladder[${i}].label` });
  });
  const expected = path.basename(file).replace(/\.(ya?ml|json)$/, '');
  if (campaign.name !== expected) {
    throw new InputError(`"${campaign.name}" must match the file name "${expected}"`, { file, line: lineOf(['name']), field: 'name' });
  }
  const templateFiles = campaign.steps.map((s, i) => {
    const template = path.resolve(viewsDir, 'emails', `${s.template}.mjml`);
    if (!existsSync(template)) {
      throw new InputError(`template ${path.relative(process.cwd(), template)} does not exist`, { file, line: lineOf(['steps', i, 'template']), field: `steps[${i}].template` });
    }
    return template;
  });
  checkOfferTiming(campaign, templateFiles, file, lineOf);
  return { ...campaign, file, ladder: ladder.ladder, templateFiles };
}

/** Every campaign in the folder, by name; a broken file stops the listing with its error. */
export function loadCampaigns(dir: string, viewsDir: string): Campaign[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => EXTENSIONS.includes(path.extname(f)))
    .sort()
    .map((f) => loadCampaign(path.join(dir, f), viewsDir));
}

/** A campaign name as the CLI and API take it: a file name in CAMPAIGNS_DIR, never a path. */
export const CAMPAIGN_NAME = /^[a-z0-9-]+$/;

export function findCampaign(dir: string, viewsDir: string, name: string): Campaign {
  // Checked before any file is touched: "../../etc/x" must not load, nor echo, a file outside `dir`.
  if (!CAMPAIGN_NAME.test(name)) {
    throw new InputError(`${JSON.stringify(name.slice(0, 80))} is not a campaign name; a name is lower-case letters, digits and dashes, like nostalgia-winback, and names a file in ${dir}`, { field: 'campaign' });
  }
  for (const ext of EXTENSIONS) {
    const file = path.join(dir, name + ext);
    if (existsSync(file)) return loadCampaign(file, viewsDir);
  }
  const known = loadCampaigns(dir, viewsDir).map((c) => c.name);
  throw new InputError(`no campaign "${name}" in ${dir}; known: ${known.join(', ') || 'none'}`, { field: 'campaign' });
}

function readText(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    throw new InputError(`cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`, { file });
  }
}

function fieldName(p: (string | number)[]): string {
  return p.map((k, i) => (typeof k === 'number' ? `[${k}]` : i === 0 ? k : `.${k}`)).join('');
}

/** YAML numbers for amounts (`amount: 5`) are accepted as the decimal strings the ladder expects. */
function moneyFieldsToStrings(rung: unknown): unknown {
  if (typeof rung !== 'object' || rung === null) return rung;
  const out: Record<string, unknown> = { ...(rung as Record<string, unknown>) };
  for (const key of ['amount', 'maxDiscount', 'shippingCost', 'giftCost']) {
    if (typeof out[key] === 'number') out[key] = String(out[key]);
  }
  return out;
}

