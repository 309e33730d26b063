/**
 * Compile once, fill many. A template version (its MJML, every file it includes, the subject) is
 * compiled to HTML by MJML once; the HTML, the derived plain text and the subject are checked
 * against the declared fields and compiled once (fill.ts); each recipient is then one pass of
 * string filling with HTML escaping. mjml2html is async in MJML 5, so compiling is too; filling
 * is synchronous. MJML keeps `{{…}}` intact in text and in attributes (href, src, alt): the tests
 * pin that down, and the compiled HTML is checked again in case a future MJML does not.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type mjml2htmlType from 'mjml';
import { InputError } from '../domain/errors';
import { emptyFields, RecipientFields } from './fields';
import { compileFill } from './fill';
import { mjmlToText, MjmlNode, tidyText } from './plainText';
import { assertTemplate } from './templateCheck';

export interface EmailSpec {
  /** Absolute path of the step's .mjml file. */
  file: string;
  /** The step's subject line, itself a template over the same fields. */
  subject: string;
  /** An apology (incident) email: its subject may not mention the offer or the make-good. */
  apology?: boolean;
}

export interface RenderedEmail {
  subject: string;
  html: string;
  text: string;
}

export interface CompiledEmail {
  readonly file: string;
  /** Hash of every source that shaped it; record it with a send to know what was sent. */
  readonly version: string;
  /** The checked handlebars sources, after MJML: for previews, debugging and tests. */
  readonly templates: Readonly<RenderedEmail>;
  render(fields: RecipientFields): RenderedEmail;
}

export interface RenderOptions {
  /** The views/emails folder: includes may reach anything under it, nothing outside. */
  emailsDir: string;
}

const APOLOGY_SUBJECT_FORBIDS = ['offer', 'makeGood'];

/**
 * MJML brings cheerio, juice, undici, js-beautify and more: about a second of CPU to load. Only a
 * compile needs it, so it loads on the first one: a `worker` whose compose thread compiles never
 * loads it in its main thread.
 */
const mjml2html: typeof mjml2htmlType = (...args) => (require('mjml') as typeof mjml2htmlType)(...args);

export async function compileEmail(spec: EmailSpec, options: RenderOptions): Promise<CompiledEmail> {
  const sources = readSources(spec.file);
  for (const s of sources) assertTemplate(s.text, s.file);
  const subjectWhere = `${spec.file} (subject)`;
  assertTemplate(spec.subject, subjectWhere, { forbidden: spec.apology ? APOLOGY_SUBJECT_FORBIDS : [] });

  const result = await mjml2html(sources[0].text, {
    filePath: spec.file,
    actualPath: spec.file,
    ignoreIncludes: false,
    includePath: options.emailsDir,
    validationLevel: 'strict',
    keepComments: false,
  }).catch((error: Error & { errors?: { line: number; formattedMessage: string }[] }) => {
    const first = error.errors?.[0];
    throw new InputError(`is not valid MJML: ${first?.formattedMessage ?? error.message}`, { file: spec.file, line: first?.line });
  });
  const denied = /<!-- mj-include (denied|fails to read file : ([^ ]+))/.exec(result.html);
  if (denied) throw new InputError(`includes ${denied[2] ?? 'a file outside ' + options.emailsDir}, which cannot be read`, { file: spec.file });

  const text = mjmlToText(result.json as unknown as MjmlNode);
  // The sources were checked; checking what MJML produced catches anything it rearranged.
  assertTemplate(result.html, `${spec.file} (compiled HTML)`);
  assertTemplate(text, `${spec.file} (plain text)`);
  const fill = {
    subject: compileFill<RecipientFields>(spec.subject, { escape: false }),
    html: compileFill<RecipientFields>(result.html, { escape: true }),
    text: compileFill<RecipientFields>(text, { escape: false }),
  };
  const email: CompiledEmail = {
    file: spec.file,
    version: versionOf(sources, spec),
    templates: { subject: spec.subject, html: result.html, text },
    render: (fields) => ({
      subject: oneLine(fill.subject(fields)),
      html: fill.html(fields),
      text: tidyText(fill.text(fields)),
    }),
  };
  email.render(emptyFields()); // a template that cannot fill the leanest recipient fails here, not mid-run
  return email;
}

/**
 * Compiled emails by template version. Asking again re-reads and re-hashes the sources (a few
 * small files) and compiles only when something changed, so an edited template is picked up
 * without a restart and an unchanged one is never compiled twice. Ask once per dispatch batch.
 */
export class EmailTemplates {
  private readonly compiled = new Map<string, { version: string; email: Promise<CompiledEmail> }>();
  constructor(private readonly options: RenderOptions) {}

  async get(spec: EmailSpec): Promise<CompiledEmail> {
    const key = JSON.stringify([spec.file, spec.subject, !!spec.apology]);
    const version = versionOf(readSources(spec.file), spec);
    const hit = this.compiled.get(key);
    if (hit?.version === version) return hit.email;
    const email = compileEmail(spec, this.options);
    this.compiled.set(key, { version, email });
    email.catch(() => this.compiled.get(key)?.email === email && this.compiled.delete(key));
    return email;
  }
}

export interface Source {
  file: string;
  text: string;
}

/** The template and, depth first, every file it mj-includes. */
export function readSources(file: string, seen = new Set<string>()): Source[] {
  if (seen.has(file)) return [];
  seen.add(file);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new InputError(`template ${path.relative(process.cwd(), file) || file} does not exist`, { file });
  }
  const includes = [...text.matchAll(/<mj-include\s+path\s*=\s*"([^"]+)"/g)].map((m) => path.resolve(path.dirname(file), m[1]));
  return [{ file, text }, ...includes.filter((f) => f.endsWith('.mjml')).flatMap((f) => readSources(f, seen))];
}

function versionOf(sources: Source[], spec: EmailSpec): string {
  const hash = createHash('sha256');
  for (const s of sources) hash.update(s.file).update('\0').update(s.text).update('\0');
  hash.update(spec.subject).update(spec.apology ? '\0apology' : '\0');
  return hash.digest('hex').slice(0, 16);
}

/** A subject is one header line: whatever a field held, no line breaks or control characters. */
const oneLine = (s: string): string => s.replace(/[\x00-\x1f\x7f]+/g, ' ').replace(/ {2,}/g, ' ').trim();
