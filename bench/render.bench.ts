/**
 * Rendering alone (issue 5): after one compile, fill a ~20 KB personalized email (subject, HTML,
 * plain text) for many recipients on one core; target at least 50,000 emails/s. The recipients
 * differ (names, dates, products, offers, signed links) so nothing is served from a cache. Each
 * rendered HTML is touched in the middle, which makes V8 flatten it into one contiguous string,
 * as building the message will. Best of five rounds: the box is shared, the slowest round
 * measures the neighbours.
 */
import path from 'node:path';
import { createLinkSigner } from '../src/links/tokens';
import type { RecipientFields } from '../src/mail/fields';
import { buildLinks } from '../src/mail/message';
import { recipientFields } from '../src/mail/recipient';
import { compileEmail } from '../src/mail/render';
import { fmt, peakRssMb, report } from './support';

const TARGET = 50_000;
const ROUNDS = 5;
const PER_ROUND = 100_000;
const RECIPIENTS = 2_000;
const NOW = new Date('2025-06-20T12:00:00Z');
const PRODUCTS = ['Ethiopia Yirgacheffe', 'Colombia Huila', 'Hario V60 starter kit', 'Decaf Swiss water', 'Kenya AA', 'Gift card', 'Guatemala Antigua'];
const NAMES = ['Maria', 'Jonas', 'Aïcha', 'Liam', null, 'Sofia', 'Ngozi', 'Mateo', 'Chloé', 'Kenji'];

function recipients(): RecipientFields[] {
  const signer = createLinkSigner({ current: 'bench-signing-key-0123456789abcdef0123' });
  const voice = {
    shop: { name: 'Bean There', postalAddress: '12 Mill Lane, Leeds LS1 4AB, United Kingdom', timeZone: 'Europe/London' },
    spokesperson: { name: 'Ana Lopez', role: 'Founder', photoUrl: 'https://cdn.beanthere.example/ana.jpg', replyTo: 'ana@beanthere.example', talkToUs: '+44 20 7946 0000' },
    whatsNew: [
      { title: 'Decaf that tastes like coffee', detail: 'a Swiss-water Colombian we are proud of' },
      { title: 'Refills by post', detail: 'a tin once, then paper bags that fit through your letterbox' },
      { title: 'A roastery you can visit', detail: 'Saturdays from ten, with a cup on us' },
    ],
  };
  return Array.from({ length: RECIPIENTS }, (_, i) => {
    const links = buildLinks({
      publicUrl: 'https://rekindle.beanthere.example', signer, sendId: String(100_000 + i), campaign: 'nostalgia-winback', step: 1,
      expiresAt: new Date('2025-08-01T00:00:00Z'), unsubscribeExpiresAt: new Date('2027-08-01T00:00:00Z'),
      unsubscribeMailbox: 'unsubscribe@beanthere.example', clickTargets: { video: i % 2 === 0 },
    }).links;
    const customer = {
      firstName: NAMES[i % NAMES.length],
      firstOrderAt: new Date(Date.UTC(2012 + (i % 12), i % 12, 1 + (i % 28))),
      lastOrderAt: new Date(Date.UTC(2024, i % 12, 1 + (i % 28))),
      favouriteProducts: [PRODUCTS[i % 7], PRODUCTS[(i + 3) % 7], PRODUCTS[(i + 5) % 7]],
    };
    return recipientFields(customer, voice, links, NOW);
  });
}

async function main(): Promise<void> {
  const emailsDir = path.resolve(__dirname, '..', '..', 'views', 'emails');
  const compileStart = process.hrtime.bigint();
  const email = await compileEmail(
    { file: path.join(emailsDir, 'nostalgia-winback', '1-we-miss-you.mjml'), subject: '{{#if firstName}}{{firstName}}, it{{else}}It{{/if}} has been a while' },
    { emailsDir },
  );
  const compileMs = Number(process.hrtime.bigint() - compileStart) / 1e6;

  const fieldsStart = process.hrtime.bigint();
  const people = recipients();
  const fieldsRate = RECIPIENTS / (Number(process.hrtime.bigint() - fieldsStart) / 1e9);

  let sink = 0;
  let htmlBytes = 0;
  let textBytes = 0;
  const round = (n: number): { wall: number; cpu: number } => {
    const cpu0 = process.cpuUsage();
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < n; i++) {
      const out = email.render(people[i % RECIPIENTS]);
      sink += out.html.charCodeAt(out.html.length >> 1) + out.text.length + out.subject.length;
    }
    const cpu = process.cpuUsage(cpu0);
    return { wall: n / (Number(process.hrtime.bigint() - t0) / 1e9), cpu: n / ((cpu.user + cpu.system) / 1e6) };
  };
  round(20_000); // warm-up: let the JIT settle
  const rounds = Array.from({ length: ROUNDS }, () => round(PER_ROUND));
  for (const p of people.slice(0, 100)) {
    const out = email.render(p);
    htmlBytes += Buffer.byteLength(out.html) / 100;
    textBytes += Buffer.byteLength(out.text) / 100;
  }
  const best = Math.max(...rounds.map((r) => r.wall));
  const median = rounds.map((r) => r.wall).sort((a, b) => a - b)[Math.floor(ROUNDS / 2)];
  const cpuBest = Math.max(...rounds.map((r) => r.cpu));
  const pass = best >= TARGET && sink > 0;

  const markdown = [
    '## Rendering emails (compile once, fill many)',
    '',
    `Template \`nostalgia-winback/1-we-miss-you\`, ${fmt(RECIPIENTS)} different recipients cycled, ${ROUNDS} rounds of ${fmt(PER_ROUND)} renders on one core after a warm-up.`,
    '',
    '| measure | result | target |',
    '|---|---|---|',
    `| render (subject + HTML + plain text), best round | **${fmt(best)} emails/s** | ≥ ${fmt(TARGET)}/s |`,
    `| render, median round | ${fmt(median)} emails/s | |`,
    `| render per CPU second (best round) | ${fmt(cpuBest)} emails/s | |`,
    `| size of one email | HTML ${(htmlBytes / 1024).toFixed(1)} KB + text ${(textBytes / 1024).toFixed(1)} KB | ~20 KB |`,
    `| compile once (MJML → HTML → checked templates) | ${compileMs.toFixed(0)} ms | |`,
    `| building recipient fields (names, dates in the shop's zone, 4 signed links) | ${fmt(fieldsRate)} recipients/s | |`,
    `| peak RSS | ${peakRssMb()} MB | |`,
  ].join('\n');
  report('render', pass, markdown);
}

main().catch((error: unknown) => {
  report('render', false, `## Rendering emails\n\nThe bench failed: ${(error as Error).message}`);
  process.exitCode = 1;
});
