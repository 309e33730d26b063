/**
 * Checks a handlebars template against the declared recipient fields before it is ever filled:
 * every `{{path}}` must be declared, an optional field must sit inside an `{{#if}}` (or `with`)
 * that guards it, output is always escaped (no `{{{ }}}`), and only if/unless/each/with are
 * allowed — no partials, no other helpers. The result: no customer ever reads "Dear ," or a blank
 * where a date should be, and a typo stops the compile naming the file, line and field.
 */
import Handlebars from 'handlebars';
import { z } from 'zod';
import { InputError } from '../domain/errors';
import { declaredFieldNames, recipientFieldsSchema } from './fields';

export interface TemplateProblem {
  line: number;
  field: string;
  problem: string;
}

// Structural views of the handlebars AST: just what the checker reads.
interface Loc { start: { line: number } }
interface Node { type: string; loc?: Loc }
interface Path extends Node { type: 'PathExpression'; data: boolean; depth: number; parts: string[]; original: string }
interface Program { body: Node[]; blockParams?: string[] }
interface Mustache extends Node { path: Node; params: Node[]; hash?: { pairs: unknown[] }; escaped: boolean }
interface Block extends Mustache { program?: Program; inverse?: Program }

/** A value's schema and a key naming it, so an `{{#if}}` guard can be matched to its uses. */
interface Frame { schema: z.ZodType; key: string }

const BLOCKS = new Set(['if', 'unless', 'each', 'with']);
const EACH_DATA = new Set(['index', 'first', 'last', 'key']);

export interface CheckOptions {
  /** Field roots this template must not mention (an apology subject never carries the offer). */
  forbidden?: readonly string[];
}

export function checkTemplate(source: string, options: CheckOptions = {}): TemplateProblem[] {
  let program: Program;
  try {
    program = Handlebars.parse(source) as unknown as Program;
  } catch (error) {
    const line = /line (\d+)/.exec((error as Error).message)?.[1];
    return [{ line: line ? Number(line) : 1, field: '', problem: `is not a valid template: ${(error as Error).message.split('\n')[0]}` }];
  }
  const checker = new Checker(options);
  checker.program(program, [{ schema: recipientFieldsSchema, key: '' }]);
  return checker.problems;
}

/**
 * The top-level fields a template mentions anywhere (`offer` for `{{offer.label}}`, `{{#if offer}}`
 * or `{{@root.offer.value}}`): what a campaign check needs to know which steps speak of the offer.
 * A template that does not parse mentions nothing here; checkTemplate reports it.
 */
export function fieldsMentioned(source: string): Set<string> {
  const found = new Set<string>();
  let program: Program;
  try {
    program = Handlebars.parse(source) as unknown as Program;
  } catch {
    return found;
  }
  const visit = (node: unknown): void => {
    if (!node || typeof node !== 'object') return;
    const n = node as Path;
    if (n.type === 'PathExpression') {
      const parts = n.data && n.parts[0] === 'root' ? n.parts.slice(1) : n.data ? [] : n.parts;
      if (parts.length) found.add(parts[0]);
      return;
    }
    for (const value of Object.values(node)) {
      if (Array.isArray(value)) value.forEach(visit);
      else if (value && typeof value === 'object' && 'type' in value) visit(value);
    }
  };
  program.body.forEach(visit);
  return found;
}

/** Throws the first problem as an InputError naming the file, line and field. */
export function assertTemplate(source: string, file: string, options: CheckOptions = {}): void {
  const problems = checkTemplate(source, options);
  if (!problems.length) return;
  const [first] = problems;
  const more = problems.length > 1 ? ` (and ${problems.length - 1} more problem${problems.length > 2 ? 's' : ''})` : '';
  throw new InputError(first.problem + more, { file, line: first.line, field: first.field || undefined });
}

class Checker {
  readonly problems: TemplateProblem[] = [];
  private readonly guards: string[] = [];
  private eachFrames = 0;
  constructor(private readonly options: CheckOptions) {}

  program(p: Program | undefined, frames: Frame[]): void {
    for (const node of p?.body ?? []) this.statement(node, frames);
  }

  private statement(node: Node, frames: Frame[]): void {
    switch (node.type) {
      case 'ContentStatement':
      case 'CommentStatement':
        return;
      case 'MustacheStatement':
        return this.mustache(node as Mustache, frames);
      case 'BlockStatement':
        return this.block(node as Block, frames);
      default:
        this.fail(node, '', `uses ${node.type.replace('Statement', '').toLowerCase()}s, which email templates may not (only {{field}}, if, unless, each, with)`);
    }
  }

  private mustache(node: Mustache, frames: Frame[]): void {
    if (!node.escaped) return this.fail(node, pathName(node.path), 'is output unescaped ({{{ }}} or {{& }}); use {{ }} so customer data is escaped');
    if (node.path.type !== 'PathExpression' || node.params.length || node.hash?.pairs.length) {
      return this.fail(node, pathName(node.path), 'is a helper call; templates may only print fields');
    }
    const path = node.path as Path;
    if (path.data) return this.dataVariable(path, frames);
    const found = this.resolve(path, frames);
    if (!found) return;
    const inner = this.unwrap(found, path);
    if (inner && !(inner instanceof z.ZodString || inner instanceof z.ZodNumber)) {
      this.fail(path, path.original, 'is a list or a group of fields, not text; print one of its fields, or loop with {{#each}}');
    }
  }

  private block(node: Block, frames: Frame[]): void {
    const helper = node.path.type === 'PathExpression' ? (node.path as Path).original : '';
    const [param] = node.params;
    if (!BLOCKS.has(helper) || node.params.length !== 1 || param.type !== 'PathExpression' || node.hash?.pairs.length) {
      return this.fail(node, helper, 'is not allowed; blocks are {{#if field}}, {{#unless field}}, {{#each list}} and {{#with group}}');
    }
    const path = param as Path;
    const found = path.data ? undefined : this.resolve(path, frames);
    if (!found) {
      if (path.data) this.fail(path, path.original, 'cannot be the subject of a block');
      return;
    }
    if (node.program?.blockParams?.length) {
      return this.fail(node, helper, 'uses block parameters (as |name|), which email templates do not; use {{this}} or the field names inside the block');
    }
    if (helper === 'if' || helper === 'unless') {
      this.guarded(helper === 'if' ? found.key : undefined, () => this.program(node.program, frames));
      this.guarded(helper === 'unless' ? found.key : undefined, () => this.program(node.inverse, frames));
      return;
    }
    const inner = unwrapNullable(found.schema);
    if (helper === 'each') {
      if (!(inner instanceof z.ZodArray)) return this.fail(path, path.original, 'is not a list; {{#each}} needs one');
      const item: Frame = { schema: inner.element as z.ZodType, key: `${found.key}[]` };
      this.eachFrames++;
      this.program(node.program, [...frames, item]);
      this.eachFrames--;
    } else {
      if (!(inner instanceof z.ZodObject)) return this.fail(path, path.original, 'is not a group of fields; {{#with}} needs one');
      this.guarded(found.key, () => this.program(node.program, [...frames, { schema: inner, key: found.key }]));
    }
    this.program(node.inverse, frames);
  }

  private guarded(key: string | undefined, body: () => void): void {
    if (key !== undefined) this.guards.push(key);
    body();
    if (key !== undefined) this.guards.pop();
  }

  private dataVariable(path: Path, frames: Frame[]): void {
    if (path.parts[0] === 'root') {
      const rest = { ...path, data: false, depth: 0, parts: path.parts.slice(1), original: path.parts.slice(1).join('.') };
      const found = this.resolve(rest, frames.slice(0, 1));
      if (found) this.unwrap(found, rest);
    } else if (!EACH_DATA.has(path.parts[0]) || this.eachFrames === 0) {
      this.fail(path, path.original, 'is not available here; @index, @first, @last and @key exist only inside {{#each}}');
    }
  }

  /** Walks the path through the schema; every optional group on the way must be guarded. */
  private resolve(path: Path, frames: Frame[]): Frame | undefined {
    const parts = path.parts;
    let at: Frame | undefined = frames[frames.length - 1 - path.depth];
    if (!at) return this.fail(path, path.original, 'reaches above the outermost fields');
    const root = at.key === '' && frames.length && at === frames[0];
    const forbidden = root && this.options.forbidden?.includes(parts[0]);
    if (forbidden) return this.fail(path, path.original, `must not appear here (${this.options.forbidden?.join(', ')} are not allowed)`);
    for (let i = 0; i < parts.length; i++) {
      const group = this.unwrap(at, path, parts.slice(0, i).join('.'));
      if (!group) return undefined;
      const next = group instanceof z.ZodObject ? (group.shape as Record<string, z.ZodType>)[parts[i]] : undefined;
      if (!next) {
        const where = root && i === 0 ? `; declared: ${declaredFieldNames().join(', ')}` : '';
        return this.fail(path, path.original, `"${parts.slice(0, i + 1).join('.')}" is not a declared field${where}`);
      }
      at = { schema: next, key: at.key ? `${at.key}.${parts[i]}` : parts[i] };
    }
    return at;
  }

  /** The non-null schema of a value, or a problem when it is optional and nothing guards it. */
  private unwrap(found: Frame, path: Path, prefix = path.original): z.ZodType | undefined {
    if (!(found.schema instanceof z.ZodNullable)) return found.schema;
    if (this.guards.includes(found.key)) return found.schema.unwrap() as z.ZodType;
    const name = prefix || path.original;
    return this.fail(path, path.original, `"${name}" may be empty for some customers; use it inside {{#if ${name}}} … {{/if}}`);
  }

  private fail(node: Node, field: string, problem: string): undefined {
    this.problems.push({ line: node.loc?.start.line ?? 1, field, problem: field ? `{{${field}}} ${problem}` : problem });
    return undefined;
  }
}

function unwrapNullable(schema: z.ZodType): z.ZodType {
  return schema instanceof z.ZodNullable ? (schema.unwrap() as z.ZodType) : schema;
}

const pathName = (node: Node): string => (node.type === 'PathExpression' ? (node as Path).original : node.type);
