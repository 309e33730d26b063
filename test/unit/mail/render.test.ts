import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Handlebars from 'handlebars';
import { InputError } from '../../../src/domain/errors';
import { emptyFields } from '../../../src/mail/fields';
import { compileEmail, EmailTemplates } from '../../../src/mail/render';
import { EMAILS_DIR, fields, incident, SHIPPED, template } from './builders';

const compile = (name: string, subject = 'A note from {{shopName}}', apology = false) =>
  compileEmail({ file: template(name), subject, apology }, { emailsDir: EMAILS_DIR });

const decode = (html: string): string =>
  html.replace(/&#x3D;/g, '=').replace(/&amp;/g, '&').replace(/&#x27;/g, "'").replace(/&quot;/g, '"');

describe('the shipped email templates', () => {
  it.each(SHIPPED)('%s compiles and renders a full and a lean recipient', async (name) => {
    const email = await compile(name);
    for (const f of [fields({}, { incident: incident() }), emptyFields(), fields({ firstName: null, firstOrderAt: null, offer: null, favouriteProducts: [] })]) {
      const { html, text } = email.render(f);
      expect(html).toMatch(/^<!doctype html>/i);
      expect(html).not.toMatch(/\{\{|\}\}/);
      expect(text).not.toMatch(/\{\{|<[a-z/]/i);
    }
  });

  it('keeps handlebars placeholders intact through MJML: text, href, src and alt', async () => {
    const email = await compile('incident-apology/1-we-got-it-wrong');
    const f = fields({ makeGood: { label: 'a refund of €12.40 for the shipping' } }, { incident: incident() });
    const html = decode(email.render(f).html);
    expect(html).toContain(`href="${f.links.feedback}"`);
    expect(html).toContain(`href="${f.links.landing}"`);
    expect(html).toContain(`src="${f.spokesperson.photoUrl}"`);
    expect(html).toContain(`href="${f.links.video}"`);
    expect(html).toContain('alt="Ana Lopez"');
    expect(html).toContain(`src="${f.links.open}"`);
  });

  it('escapes whatever a customer is called: <script> and {{x}} arrive inert', async () => {
    const email = await compile('nostalgia-winback/1-we-miss-you', 'For {{#if firstName}}{{firstName}}{{/if}}');
    const f = fields({ firstName: '<script>alert(1)</script>', favouriteProducts: ['{{links.landing}}', '"><img src=x onerror=alert(1)>', '{{{x}}}'] });
    const { subject, html, text } = email.render(f);
    expect(html).toContain('Dear &lt;script&gt;alert(1)&lt;/script&gt;,');
    expect(html).not.toMatch(/<script|<img src=x/);
    expect(html).toMatch(/<li[^>]*>{{links.landing}}<\/li>/);
    expect(html).toMatch(/<li[^>]*>{{{x}}}<\/li>/);
    expect(text).toContain('- {{links.landing}}');
    expect(subject).toBe('For <script>alert(1)</script>');
  });

  it('keeps a subject on one line whatever a field holds', async () => {
    const email = await compile('nostalgia-winback/4-should-we-stop', '{{#if firstName}}{{firstName}}, should{{else}}Should{{/if}} we stop writing?');
    expect(email.render(fields({ firstName: 'Maria\r\nBcc: all' })).subject).toBe('Maria Bcc: all, should we stop writing?');
    expect(email.render(fields({ firstName: null })).subject).toBe('Should we stop writing?');
  });

  it('greets by first name where known, and warmly without one', async () => {
    const email = await compile('nostalgia-winback/1-we-miss-you');
    expect(email.render(fields({ firstName: 'MARIA' })).text).toMatch(/^Bean There\n\nDear Maria,\n/);
    expect(email.render(fields({ firstName: null })).text).toContain('\nHello again,\n');
    expect(email.render(fields({ firstName: 'maria@example.com' })).text).toContain('\nHello again,\n');
  });

  it('writes a plain-text part from the same copy: links spelled out, lists on lines, no markup', async () => {
    const email = await compile('nostalgia-winback/1-we-miss-you');
    const f = fields();
    const { text } = email.render(f);
    expect(text).toContain(`Tell us what changed: ${f.links.feedback}`);
    expect(text).toContain('- Ethiopia Yirgacheffe\n- Hario V60 starter kit\n');
    expect(text).toContain(`Stop writing to me (${f.links.stop})`);
    expect(text).toContain('Bean There · 12 Mill Lane, Leeds LS1 4AB, United Kingdom');
    expect(text).not.toMatch(/\n{3,}/);
  });

  it('fills exactly as Handlebars itself would, for every template and kind of recipient', async () => {
    const recipients = [
      fields({}, { incident: incident() }),
      fields({ firstName: null, offer: null, makeGood: { label: 'a refund of €3' } }, { incident: incident({ plan: null, update: 'Half of the orders are re-shipped.', whatChanged: 'A second person checks every dispatch.' }) }),
      fields({ favouriteProducts: ['<b>&"\'=`'], firstOrderAt: new Date('2024-12-01T00:00:00Z') }, { whatsNew: [], spokesperson: { name: 'Jo', role: 'Owner', replyTo: 'jo@b.example' } }),
      emptyFields(),
    ];
    for (const name of SHIPPED) {
      const email = await compile(name);
      const reference = {
        html: Handlebars.create().compile(email.templates.html, { strict: true, ignoreStandalone: true }),
        text: Handlebars.create().compile(email.templates.text, { strict: true, ignoreStandalone: true, noEscape: true }),
      };
      for (const f of recipients) {
        const ours = email.render(f);
        expect(ours.html).toBe(reference.html(f));
        expect(ours.text).toBe(reference.text(f).replace(/\n{3,}/g, '\n\n'));
      }
    }
  });
});

describe('speaking in one human voice (DESIGN.md)', () => {
  it('owns up in the first sentence of an apology, in the business’s own words', async () => {
    const { text } = (await compile('incident-apology/1-we-got-it-wrong')).render(fields({}, { incident: incident() }));
    const afterGreeting = text.split('\n\n')[2];
    expect(afterGreeting).toBe('We shipped your March order nine days late and never told you why. That was our mistake, and I am sorry.');
  });

  it.each(SHIPPED)('%s is signed, can be stopped in plain words, names the shop’s address, and never hides behind "inconvenience"', async (name) => {
    const { text } = (await compile(name)).render(fields({ makeGood: { label: 'a refund of €3' } }, { incident: incident() }));
    expect(text).toContain('Warmly,\nAna Lopez\nFounder, Bean There');
    expect(text).toMatch(/Stop writing to me \(https:/);
    expect(text).toMatch(/unsubscribe from all our emails \(https:/);
    expect(text).toContain('12 Mill Lane, Leeds LS1 4AB');
    expect(text).not.toMatch(/inconvenience|valued customer|lorem/i);
  });

  it('puts the offer after the apology, and asks how to make it right', async () => {
    const { text } = (await compile('incident-apology/1-we-got-it-wrong')).render(fields({ makeGood: { label: 'a refund of €12.40 for the shipping' } }, { incident: incident() }));
    expect(text.indexOf('I am sorry')).toBeLessThan(text.indexOf('We owe you a refund of €12.40'));
    expect(text).toContain('Tell us how to make it right: https://');
  });
});

describe('template checks at compile time', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'rekindle-emails-'));
    mkdirSync(path.join(dir, 'test'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const write = (name: string, body: string) => {
    const file = path.join(dir, name);
    writeFileSync(file, body.includes('<mjml>') ? body : `<mjml><mj-body><mj-section><mj-column><mj-text>\n${body}\n</mj-text></mj-column></mj-section></mj-body></mjml>`);
    return file;
  };
  const compileIn = (file: string, subject = 'Hi', apology = false) => compileEmail({ file, subject, apology }, { emailsDir: dir });

  it('names the file, the line and the field of an undeclared field', async () => {
    const file = write('test/typo.mjml', '<p>Hello</p>\n<p>{{offerr.label}}</p>');
    const error = await compileIn(file).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).where).toEqual({ file, line: 3, field: 'offerr.label' });
    expect((error as Error).message).toMatch(/"offerr" is not a declared field; declared: firstName, greeting/);
  });

  it('refuses an optional field used where it may be empty', async () => {
    const file = write('test/unguarded.mjml', '<p>Ends {{offer.expiresOn}}</p>');
    await expect(compileIn(file)).rejects.toThrow(/"offer" may be empty for some customers; use it inside \{\{#if offer\}\}/);
    const fine = write('test/guarded.mjml', '<p>{{#if offer}}Ends {{offer.expiresOn}}{{/if}}{{#with makeGood}}{{label}}{{/with}}</p>');
    await expect(compileIn(fine)).resolves.toBeDefined();
  });

  it.each([
    ['unescaped output', '{{{firstName}}}', /unescaped/],
    ['a helper call', '{{lookup links "landing"}}', /helper call/],
    ['a partial', '{{> footer}}', /partials/],
    ['a group printed as text', '{{links}}', /not text/],
    ['a loop over text', '{{#each shopName}}x{{/each}}', /not a list/],
    ['an unknown block', '{{#repeat favouriteProducts}}x{{/repeat}}', /not allowed/],
    ['block parameters', '{{#each favouriteProducts as |p|}}{{p}}{{/each}}', /block parameters/],
    ['@index outside a loop', '{{@index}}', /only inside/],
  ])('refuses %s', async (_what, body, problem) => {
    await expect(compileIn(write('test/bad.mjml', body))).rejects.toThrow(problem);
  });

  it('checks the subject too, and keeps the offer out of an apology subject', async () => {
    const file = write('test/ok.mjml', '<p>{{greeting}},</p>');
    await expect(compileIn(file, 'Hi {{firstNme}}')).rejects.toThrow(/\(subject\).*firstNme/);
    await expect(compileIn(file, 'Sorry — {{#if offer}}{{offer.value}} off{{/if}}', true)).rejects.toThrow(/must not appear here/);
    await expect(compileIn(file, '{{#if offer}}{{offer.value}} off{{/if}} for you', false)).resolves.toBeDefined();
  });

  it('refuses invalid MJML naming the file', async () => {
    const file = write('test/broken.mjml', '<mjml><mj-body><mj-section><mj-text>no column</mj-text></mj-section></mj-body></mjml>');
    await expect(compileIn(file)).rejects.toThrow(/test\/broken\.mjml.*not valid MJML/);
  });

  it('says so when a template does not exist', async () => {
    await expect(compileIn(path.join(dir, 'test/missing.mjml'))).rejects.toThrow(/does not exist/);
  });

  it('compiles a template version once, and again only when it or an include changes', async () => {
    mkdirSync(path.join(dir, '_layout'));
    writeFileSync(path.join(dir, '_layout/footer.mjml'), '<mj-section><mj-column><mj-text>{{postalAddress}}</mj-text></mj-column></mj-section>');
    const file = write('test/a.mjml', '<mjml><mj-body><mj-section><mj-column><mj-text>{{greeting}}</mj-text></mj-column></mj-section><mj-include path="../_layout/footer.mjml" /></mj-body></mjml>');
    const templates = new EmailTemplates({ emailsDir: dir });
    const spec = { file, subject: 'Hi' };
    const first = await templates.get(spec);
    expect(await templates.get(spec)).toBe(first);
    expect(first.render(fields()).text).toContain('12 Mill Lane');

    writeFileSync(path.join(dir, '_layout/footer.mjml'), '<mj-section><mj-column><mj-text>{{shopName}} · {{postalAddress}}</mj-text></mj-column></mj-section>');
    const second = await templates.get(spec);
    expect(second).not.toBe(first);
    expect(second.version).not.toBe(first.version);
    expect(second.render(fields()).text).toContain('Bean There · 12 Mill Lane');
    expect(await templates.get({ ...spec, subject: 'Hello' })).not.toBe(second);
  });

  it('refuses an include outside the emails folder', async () => {
    const outside = mkdtempSync(path.join(os.tmpdir(), 'rekindle-outside-'));
    writeFileSync(path.join(outside, 'x.mjml'), '<mj-section><mj-column><mj-text>x</mj-text></mj-column></mj-section>');
    const rel = path.relative(path.join(dir, 'test'), path.join(outside, 'x.mjml'));
    const file = write('test/escape.mjml', `<mjml><mj-body><mj-include path="${rel}" /></mj-body></mjml>`);
    await expect(compileIn(file)).rejects.toThrow(/cannot be read/);
    rmSync(outside, { recursive: true, force: true });
  });
});
