/**
 * The README's shell examples as data, so tests run them as written and cannot drift apart.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';

export const ROOT = path.resolve(__dirname, '../..');

/** The first ```sh block of a README section, one command per line (continuations joined). */
export function readmeCommands(section: string): string[] {
  const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const start = readme.indexOf(`\n## ${section}\n`);
  if (start < 0) throw new Error(`README.md has no "## ${section}" section`);
  const end = readme.indexOf('\n## ', start + 1);
  const block = /```sh\n([\s\S]*?)```/.exec(readme.slice(start, end < 0 ? undefined : end));
  if (!block) throw new Error(`"## ${section}" has no sh block`);
  return block[1].replace(/\\\n\s*/g, ' ').split('\n').filter((l) => l.trim() !== '');
}

/** Shell words of one line, with its `# comment` apart; single and double quotes, no expansion. */
export function shellWords(line: string): { words: string[]; comment: string } {
  const words: string[] = [];
  let word: string | null = null;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (ch === '#' && word === null) return { words, comment: line.slice(i + 1).trim() };
    if (/\s/.test(ch)) {
      if (word !== null) words.push(word);
      word = null;
    } else if (ch === '"' || ch === "'") {
      const close = line.indexOf(ch, i + 1);
      if (close < 0) throw new Error(`unclosed quote in: ${line}`);
      word = (word ?? '') + line.slice(i + 1, close);
      i = close;
    } else word = (word ?? '') + ch;
  }
  if (word !== null) words.push(word);
  return { words, comment: '' };
}

