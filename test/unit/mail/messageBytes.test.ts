/**
 * buildMessage joins the MIME parts itself instead of streaming them through nodemailer's
 * build(): the bytes must stay exactly build()'s, whatever the names, subject and bodies hold
 * (encoded words, folded headers, non-ASCII addresses, long lines, lone CRs and dots).
 */
import fc from 'fast-check';
import { buildMessage, mimeTree } from '../../../src/mail/message';
import { compileEmail } from '../../../src/mail/render';
import { EMAILS_DIR, fields, messageFacts, template } from './builders';

const text = fc.string({ unit: fc.oneof(fc.constantFrom('a', 'Z', ' ', '.', '=', '\n', '\r', '\t', '—', 'é', 'ß', '😀', '"', ',', '<', '>', '@', ';', ':'), fc.string({ unit: 'binary', minLength: 1, maxLength: 1 })), maxLength: 300 });
const localPart = fc.stringMatching(/^[a-z0-9.+_-]{1,20}$/);

describe('the bytes of a message', () => {
  it('are what nodemailer builds for the same tree, for any names, subject and bodies', async () => {
    await fc.assert(
      fc.asyncProperty(text, fc.option(text, { nil: null }), text, text, text, localPart, fc.constantFrom('example.com', 'bücher.example'), async (subject, name, html, plain, spokesperson, local, domain) => {
        const facts = messageFacts({ to: { address: `${local}@${domain}`, name }, from: { address: 'hello@beanthere.example', spokesperson, shop: 'Bean There' } });
        const content = { subject, html, text: plain };
        const built = (await buildMessage(facts, content)).raw;
        expect(built.toString('utf8')).toBe((await mimeTree(facts, content).root.build()).toString('utf8'));
        expect(built.equals(await mimeTree(facts, content).root.build())).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('are what nodemailer builds for a shipped template, filled', async () => {
    const email = await compileEmail({ file: template('nostalgia-winback/1-we-miss-you'), subject: 'We miss you, {{#if firstName}}{{firstName}}{{else}}old friend{{/if}}' }, { emailsDir: EMAILS_DIR });
    const content = email.render(fields());
    const facts = messageFacts();
    expect((await buildMessage(facts, content)).raw.equals(await mimeTree(facts, content).root.build())).toBe(true);
  });
});
