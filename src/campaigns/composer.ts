/**
 * Turns one send's context into the exact message bytes: the recipient's declared fields, signed
 * links, the compiled-once template filled for them, and the RFC 5322 envelope around it.
 */
import path from 'node:path';
import type { Config } from '../config';
import { Money } from '../domain/money';
import type { OfferRung } from '../domain/offers';
import type { LinkSigner } from '../links/tokens';
import { buildLinks, buildMessage, OutgoingMessage } from '../mail/message';
import { displayMoney, offerValue, recipientFields } from '../mail/recipient';
import { CompiledEmail, EmailSpec, EmailTemplates, RenderedEmail } from '../mail/render';
import type { ThreadSetup } from './composeThreads';
import type { SendContext } from './sendContext';
import type { RunInfo } from './runInfo';
import { templateIndex, updateOrdinal } from './steps';

/** Compiled templates already looked up in this dispatch batch, by file, subject and kind. */
export type TemplateBatch = Map<string, Promise<CompiledEmail>>;

const DAY_MS = 86_400_000;
/** RFC 8058 clients may act on List-Unsubscribe long after delivery: keep it working for years. */
const UNSUBSCRIBE_LIFETIME_MS = 5 * 365 * DAY_MS;
/** Without an offer, the landing page link lives this long. */
const LANDING_LIFETIME_MS = 90 * DAY_MS;

export class Composer {
  private readonly templates: EmailTemplates;

  constructor(private readonly config: Config, private readonly signer: LinkSigner, private readonly viewsDir: string) {
    this.templates = new EmailTemplates({ emailsDir: path.join(viewsDir, 'emails') });
  }

  /**
   * `sendId` overrides the send's id in links and headers (test sends have no send row).
   * `batch`: one map per dispatch batch, so the template files are read and hashed once per
   * batch (an edit is still picked up by the next one), not once per recipient.
   */
  async compose(ctx: SendContext, run: RunInfo, now: Date, options: { sendId?: string; batch?: TemplateBatch } = {}): Promise<OutgoingMessage> {
    const { content, fields, sendLinks, sendId } = await this.fill(ctx, run, now, options.sendId, options.batch);
    const c = run.campaign;
    return buildMessage(
      {
        sendId,
        campaign: c.name,
        runId: String(run.id),
        step: ctx.send.step,
        to: { address: ctx.email as string, name: fields.firstName },
        from: { address: this.config.mail.from, spokesperson: c.spokesperson.name, shop: this.config.shop.name },
        replyTo: c.spokesperson.replyTo,
        listUnsubscribe: sendLinks.listUnsubscribe,
        publicUrl: this.config.publicUrl,
        date: now,
      },
      content,
    );
  }

  /** What a compose thread needs to build the same composer (composeThreads.ts). */
  threadSetup(): Omit<ThreadSetup, 'dataDir'> {
    return { config: this.config, viewsDir: this.viewsDir, keyId: this.signer.currentKeyId };
  }

  /** The filled subject, HTML and text, as a preview shows them. */
  async render(ctx: SendContext, run: RunInfo, now: Date): Promise<RenderedEmail> {
    return (await this.fill(ctx, run, now)).content;
  }

  private async fill(ctx: SendContext, run: RunInfo, now: Date, sendIdOverride?: string, batch?: TemplateBatch) {
    const c = run.campaign;
    const sendId = sendIdOverride ?? String(ctx.send.id);
    const index = templateIndex(c.steps, ctx.send.step);
    if (index < 0) throw new RangeError(`run ${run.id} has no step ${ctx.send.step}`);
    const compiled = await this.template({ file: run.templateFiles[index], subject: c.steps[index].subject, apology: c.kind === 'incident' }, batch);
    const expiresAt = ctx.offerExpiresAt ? new Date(ctx.offerExpiresAt) : null;
    // The landing page answers "keep in touch" and "how can we make it right?" too: its link
    // outlives the offer, and the page itself says when the offer has ended.
    const linksExpireAt = new Date(Math.max(expiresAt?.getTime() ?? 0, now.getTime() + LANDING_LIFETIME_MS));
    const sendLinks = buildLinks({
      publicUrl: this.config.publicUrl,
      signer: this.signer,
      sendId,
      campaign: c.name,
      step: ctx.send.step,
      expiresAt: linksExpireAt,
      unsubscribeExpiresAt: new Date(now.getTime() + UNSUBSCRIBE_LIFETIME_MS),
      unsubscribeMailbox: this.config.mail.from,
      clickTargets: { video: !!c.spokesperson.videoUrl, shop: true },
    });
    const fields = recipientFields(
      {
        firstName: ctx.firstName,
        firstOrderAt: ctx.facts.firstOrderDay ? new Date(`${ctx.facts.firstOrderDay}T12:00:00Z`) : null,
        lastOrderAt: ctx.facts.lastOrderDay ? new Date(`${ctx.facts.lastOrderDay}T12:00:00Z`) : null,
        favouriteProducts: ctx.facts.favouriteProducts,
        offer: expiresAt && expiresAt > now ? this.offerOf(ctx, run.currency, expiresAt) : null,
        makeGood: this.makeGoodOf(ctx, run.currency),
      },
      {
        shop: { name: this.config.shop.name, postalAddress: this.config.postalAddress, timeZone: this.config.shop.timeZone },
        spokesperson: c.spokesperson,
        whatsNew: c.content.whatsNew,
        incident: run.incident && {
          title: run.incident.title, whatHappened: run.incident.whatHappened, plan: run.incident.plan, whatChanged: run.incident.whatChanged,
          update: run.incident.updates[updateOrdinal(c.steps, ctx.send.step)] ?? run.incident.update,
        },
      },
      sendLinks.links,
      now,
    );
    return { content: compiled.render(fields), fields, sendLinks, sendId };
  }

  private template(spec: EmailSpec, batch?: TemplateBatch): Promise<CompiledEmail> {
    if (!batch) return this.templates.get(spec);
    const key = `${spec.file}\0${spec.subject}\0${spec.apology}`;
    let compiled = batch.get(key);
    if (!compiled) batch.set(key, (compiled = this.templates.get(spec)));
    return compiled;
  }

  /** Follows "We owe you": "a €12.40 credit on your next order". */
  private makeGoodOf(ctx: SendContext, currency: string): { label: string } | null {
    const amount = (ctx.offer as { amount?: string } | null)?.amount;
    if (ctx.treatment !== 'make-good' || amount === undefined) return null;
    return { label: `a ${displayMoney(new Money(amount), currency)} credit on your next order` };
  }

  /**
   * The frozen rung as stored at launch (money as decimal strings) back into domain money. Only
   * while the offer is open: an email sent after it ended (a late dispatch, a pause) never
   * promises it, nor states its end date as still to come.
   */
  private offerOf(ctx: SendContext, currency: string, expiresAt: Date): { label: string; value: string; expiresAt: Date } | null {
    if (ctx.treatment === 'nostalgia-only' || !ctx.offer) return null;
    const raw = ctx.offer as Record<string, unknown>;
    const rung = Object.fromEntries(
      Object.entries(raw).map(([k, v]) => [k, ['amount', 'maxDiscount', 'shippingCost', 'giftCost'].includes(k) && typeof v === 'string' ? new Money(v) : v]),
    ) as unknown as OfferRung;
    return { label: rung.label, value: offerValue(rung, currency), expiresAt };
  }
}
