/**
 * `npm run bench [-- NAME ...]`: runs each bench in its own child process (so peak RSS is its
 * own) and replaces that bench's section in docs/benchmarks.md, leaving the others as they were.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

interface BenchResult {
  name: string;
  pass: boolean;
  markdown: string;
}

const root = path.resolve(__dirname, '..', '..');
const docs = path.join(root, 'docs', 'benchmarks.md');
const wanted = process.argv.slice(2);
const benches = readdirSync(__dirname)
  .filter((f) => f.endsWith('.bench.js'))
  .map((f) => f.replace(/\.bench\.js$/, ''))
  .filter((name) => !wanted.length || wanted.includes(name));

const machine = `${os.cpus()[0]?.model ?? 'unknown CPU'}, ${os.cpus().length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GiB, ${os.type()} ${os.release()}, Node ${process.version}`;
let document = existsSync(docs) ? readFileSync(docs, 'utf8') : '# Benchmarks\n\nProduced by `npm run bench` (see bench/README.md). Each section says when and where it was measured.\n';
let failed = 0;

for (const name of benches) {
  process.stderr.write(`bench ${name} ...\n`);
  const child = spawnSync(process.execPath, ['--expose-gc', path.join(__dirname, `${name}.bench.js`)], {
    cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 64 * 1024 * 1024,
  });
  const last = child.stdout.trim().split('\n').pop() ?? '';
  let result: BenchResult;
  try {
    result = JSON.parse(last) as BenchResult;
  } catch {
    process.stderr.write(`bench ${name} printed no result (exit ${child.status})\n`);
    failed++;
    continue;
  }
  if (!result.pass) failed++;
  const section = [
    `<!-- bench:${name} -->`,
    result.markdown.trim(),
    '',
    `Measured ${new Date().toISOString().slice(0, 10)} on ${machine}; command \`npm run bench -- ${name}\`; ${result.pass ? 'all targets met' : '**a target was missed**'}.`,
    `<!-- /bench:${name} -->`,
  ].join('\n');
  const pattern = new RegExp(`<!-- bench:${name} -->[\\s\\S]*?<!-- /bench:${name} -->`);
  document = pattern.test(document) ? document.replace(pattern, section) : `${document.trimEnd()}\n\n${section}\n`;
  writeFileSync(docs, document);
  process.stderr.write(`bench ${name}: ${result.pass ? 'pass' : 'MISSED A TARGET'}\n`);
}
process.exitCode = failed ? 1 : 0;
