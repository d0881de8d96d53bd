import { findNodeAtLocation, type Node, parse, parseTree, type ParseError, printParseErrorCode } from 'jsonc-parser';
import { ShiplogError } from '../kit/shiplog-error.js';

/**
 * Edits of a JSON (or JSONC: comments, trailing commas) document as text, so that everything
 * shiplog does not touch keeps its bytes: key order, indentation, one-line objects, comments.
 * An insertion puts one string at one offset, and removing what was inserted takes exactly
 * that string away again, so install followed by uninstall gives back the very file.
 * (jsonc-parser's own `modify` reformats the lines around each edit, which loses that.)
 */

export type JsonPath = (string | number)[];

export class JsonTextError extends ShiplogError {
  constructor(
    message: string,
    readonly line: number,
    readonly column: number,
  ) {
    super('EBADJSON', message);
    this.name = 'JsonTextError';
  }
}

const PARSE_OPTIONS = { allowTrailingComma: true, disallowComments: false, allowEmptyContent: false };

/** The document's value; throws JsonTextError naming line and column of the first error. */
export function parseJsonText(text: string): unknown {
  const errors: ParseError[] = [];
  const value: unknown = parse(text, errors, PARSE_OPTIONS);
  const first = errors[0];
  if (first) {
    const { line, column } = lineColumn(text, first.offset);
    throw new JsonTextError(`${printParseErrorCode(first.error)} at line ${line}, column ${column}`, line, column);
  }
  return value;
}

function tree(text: string): Node {
  const root = parseTree(text, [], PARSE_OPTIONS);
  if (!root) throw new JsonTextError('empty document', 1, 1);
  return root;
}

/** Removes the value at `path` (an array element or an object property) and the separator before it. */
export function removeAt(text: string, path: JsonPath): string {
  const node = findNodeAtLocation(tree(text), path);
  if (!node) return text;
  // For a property, the unit to remove is the whole `"key": value`.
  const unit = node.parent?.type === 'property' ? node.parent : node;
  const container = unit.parent;
  if (!container) return text;
  const siblings = container.children ?? [];
  const i = siblings.indexOf(unit);
  const prev = siblings[i - 1];
  const next = siblings[i + 1];
  if (prev) return text.slice(0, prev.offset + prev.length) + text.slice(unit.offset + unit.length);
  if (next) return text.slice(0, unit.offset) + text.slice(next.offset);
  // The only child: the container is left empty, as `[]` or `{}`.
  return text.slice(0, container.offset + 1) + text.slice(container.offset + container.length - 1);
}

/**
 * Appends `value` to the array at `path`, or adds property `key` with `value` to the object at
 * `path`, formatted like its neighbours: on the same line when the last one shares the
 * container's opening line, else on a line of its own at the same indentation.
 */
export function appendAt(text: string, path: JsonPath, value: unknown, key?: string): string {
  const container = findNodeAtLocation(tree(text), path);
  if (!container) throw new Error(`no ${path.join('.')} in the document`);
  const style = detectStyle(text);
  const children = container.children ?? [];
  const last = children[children.length - 1];
  const member = (indent: string) =>
    `${key === undefined ? '' : `${JSON.stringify(key)}: `}${pretty(value, style, indent)}`;
  if (last) {
    if (sameLine(text, container.offset, last.offset))
      return insert(
        text,
        last.offset + last.length,
        `, ${key === undefined ? '' : `${JSON.stringify(key)}: `}${JSON.stringify(value)}`,
      );
    const indent = lineIndent(text, last.offset);
    return insert(text, last.offset + last.length, `,${style.eol}${indent}${member(indent)}`);
  }
  const outer = lineIndent(text, container.offset);
  const inner = outer + style.unit;
  const open = container.offset + 1;
  const close = container.offset + container.length - 1;
  return `${text.slice(0, open)}${style.eol}${inner}${member(inner)}${style.eol}${outer}${text.slice(close)}`;
}

interface Style {
  unit: string;
  eol: string;
}

/** The file's own indentation unit (a tab, or the first indent's spaces) and line ending. */
function detectStyle(text: string): Style {
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const m = /\n([ \t]+)\S/.exec(text);
  const unit = m?.[1]?.startsWith('\t') ? '\t' : m?.[1] ? ' '.repeat(Math.min(m[1].length, 8)) : '  ';
  return { unit, eol };
}

function pretty(value: unknown, style: Style, indent: string): string {
  return JSON.stringify(value, null, style.unit).split('\n').join(`${style.eol}${indent}`);
}

function insert(text: string, at: number, piece: string): string {
  return text.slice(0, at) + piece + text.slice(at);
}

function sameLine(text: string, a: number, b: number): boolean {
  return !text.slice(Math.min(a, b), Math.max(a, b)).includes('\n');
}

function lineIndent(text: string, offset: number): string {
  const start = text.lastIndexOf('\n', offset - 1) + 1;
  return /^[ \t]*/.exec(text.slice(start, offset))?.[0] ?? '';
}

function lineColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  return { line, column: offset - (before.lastIndexOf('\n') + 1) + 1 };
}
