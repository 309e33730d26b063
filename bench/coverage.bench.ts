/**
 * Issue 14's coverage check at full size: 1,000 simulated shops of 2,000 customers drawn from
 * the parameters in syntheticShop.ts, each fitted; every parameter's 95% interval should hold the
 * true value in at least 90% of them. The unit test runs 200 of the same shops.
 */
import { intervalCoverage } from './intervalCoverage';

const SHOPS = 1000;
const CUSTOMERS = 2000;

function main(): void {
  const start = performance.now();
  const { covered } = intervalCoverage(SHOPS, CUSTOMERS, 1000);
  const seconds = (performance.now() - start) / 1000;
  const pass = Object.values(covered).every((share) => share >= 0.9);
  const markdown = [
    `## coverage: 95% parameter intervals on ${SHOPS.toLocaleString('en')} simulated shops of ${CUSTOMERS.toLocaleString('en')} customers`,
    '',
    '| parameter | intervals holding the true value | target |',
    '|---|---|---|',
    ...Object.entries(covered).map(([name, share]) => `| ${name} | ${(share * 100).toFixed(1)}% | >= 90% |`),
    '',
    `${SHOPS} fits of BG/NBD and Gamma-Gamma in ${seconds.toFixed(1)} s.`,
  ].join('\n');
  process.stdout.write(JSON.stringify({ name: 'coverage', pass, markdown }) + '\n');
}

if (require.main === module) main();
