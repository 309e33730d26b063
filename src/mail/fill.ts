/**
 * The per-recipient step: a checked handlebars template turned, once, into a tree of closures
 * that only concatenate strings. Handlebars parses it (same syntax, same whitespace rules) and
 * escapes with its own `escapeExpression`; what is skipped is its general runtime, whose helper
 * setup and per-lookup prototype guards cost more than the rendering itself (half of a 50k/s
 * budget). Those guards are not needed here: templateCheck.ts has already proven every path is a
 * declared field, so no lookup can reach a prototype, a helper or a partial.
 *
 * Supports exactly what templateCheck allows: {{path}}, ../path, @root.path, this, @index, @key,
 * @first, @last, and if/unless/each/with with their {{else}}. The unit tests hold it equal to
 * Handlebars.compile on every shipped template.
 */
import Handlebars from 'handlebars';

export type Fill<T> = (context: T) => string;

interface Scope {
  ctx: unknown;
  parent: Scope | undefined;
  root: unknown;
  data: { index: number; key: number; first: boolean; last: boolean } | undefined;
}

type Piece = string | ((scope: Scope) => string);

// Structural views of the handlebars AST, as in templateCheck.ts.
interface Node { type: string }
interface Content extends Node { value: string }
interface Path extends Node { data: boolean; depth: number; parts: string[]; original: string }
interface Program { body: Node[] }
interface Mustache extends Node { path: Path; params: Node[]; escaped: boolean }
interface Block extends Mustache { program?: Program; inverse?: Program }

export function compileFill<T>(source: string, options: { escape: boolean }): Fill<T> {
  const program = Handlebars.parse(source, { ignoreStandalone: true }) as unknown as Program;
  const run = sequence(program, options.escape);
  return (context) => run({ ctx: context, parent: undefined, root: context, data: undefined });
}

function sequence(program: Program | undefined, escape: boolean): (scope: Scope) => string {
  const pieces: Piece[] = [];
  for (const node of program?.body ?? []) {
    const piece = compileNode(node, escape);
    const last = pieces.length - 1;
    if (typeof piece === 'string' && typeof pieces[last] === 'string') pieces[last] += piece;
    else pieces.push(piece);
  }
  if (pieces.length === 0) return () => '';
  if (pieces.length === 1) {
    const [only] = pieces;
    return typeof only === 'string' ? () => only : only;
  }
  return (scope) => {
    let out = '';
    for (let i = 0; i < pieces.length; i++) {
      const p = pieces[i];
      out += typeof p === 'string' ? p : p(scope);
    }
    return out;
  };
}

function compileNode(node: Node, escape: boolean): Piece {
  switch (node.type) {
    case 'ContentStatement':
      return (node as Content).value;
    case 'CommentStatement':
      return '';
    case 'MustacheStatement': {
      const get = accessor((node as Mustache).path);
      return escape ? (scope) => Handlebars.Utils.escapeExpression(get(scope) as string) : (scope) => text(get(scope));
    }
    case 'BlockStatement':
      return block(node as Block, escape);
    default:
      throw new TypeError(`${node.type} is not supported in email templates`);
  }
}

function block(node: Block, escape: boolean): Piece {
  const get = accessor(node.params[0] as Path);
  const fn = sequence(node.program, escape);
  const inverse = sequence(node.inverse, escape);
  switch (node.path.original) {
    case 'if':
      return (scope) => (isEmpty(get(scope)) ? inverse(scope) : fn(scope));
    case 'unless':
      return (scope) => (isEmpty(get(scope)) ? fn(scope) : inverse(scope));
    case 'with':
      return (scope) => {
        const value = get(scope);
        return isEmpty(value) && value !== 0 ? inverse(scope) : fn({ ctx: value, parent: scope, root: scope.root, data: scope.data });
      };
    case 'each':
      return (scope) => {
        const list = get(scope);
        if (!Array.isArray(list) || list.length === 0) return inverse(scope);
        let out = '';
        for (let i = 0; i < list.length; i++) {
          out += fn({ ctx: list[i], parent: scope, root: scope.root, data: { index: i, key: i, first: i === 0, last: i === list.length - 1 } });
        }
        return out;
      };
    default:
      throw new TypeError(`{{#${node.path.original}}} is not supported in email templates`);
  }
}

/** Handlebars' `if`: false, null, undefined, "", 0 and [] are all "empty". */
const isEmpty = (value: unknown): boolean => !value || (Array.isArray(value) && value.length === 0);

const text = (value: unknown): string => (value == null ? '' : String(value));

const FORBIDDEN = new Set(['__proto__', 'constructor', 'prototype', '__defineGetter__', '__lookupGetter__']);

function accessor(path: Path): (scope: Scope) => unknown {
  // templateCheck admits declared fields only; this keeps an unchecked template off prototypes too.
  if (path.parts.some((p) => FORBIDDEN.has(p))) throw new TypeError(`{{${path.original}}} is not allowed`);
  if (path.data) {
    const [name, ...rest] = path.parts;
    if (name === 'root') return (scope) => walk(scope.root, rest, path.original);
    return (scope) => (scope.data as Record<string, unknown> | undefined)?.[name];
  }
  const { depth, parts } = path;
  return (scope) => {
    let s: Scope | undefined = scope;
    for (let d = 0; d < depth && s; d++) s = s.parent;
    return walk(s?.ctx, parts, path.original);
  };
}

/** Strict like handlebars' strict mode: a missing field throws instead of printing nothing. */
function walk(value: unknown, parts: string[], original: string): unknown {
  let v = value;
  for (let i = 0; i < parts.length; i++) {
    const next: unknown = v === null || typeof v !== 'object' ? undefined : (v as Record<string, unknown>)[parts[i]];
    // Declared fields are never undefined (absent ones are null), so the slow check runs only on a miss.
    if (next === undefined && !(typeof v === 'object' && v !== null && Object.prototype.hasOwnProperty.call(v, parts[i]))) {
      throw new TypeError(`"${parts[i]}" not defined in {{${original}}}`);
    }
    v = next;
  }
  return v;
}
