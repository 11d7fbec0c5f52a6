// Display filters over frame fields (issue 13 item 5), tshark `-Y` style:
//
//   gbcs.envelope.message_code == 0x0060 && zcl.prepayment.credit_adjustment
//   dlms.spec.obis contains "0.0.96" || !(gbz.alert.code == 0x8F72)
//   gbcs.envelope.use_case matches "^ECS(2|5)" and dlms.result != 0
//
// The expression is parsed by jsep (a maintained expression parser; no hand-written
// grammar here) with three word operators added (`contains`, `matches`, and `and`/`or`/
// `not` as aliases of &&, ||, !) and a token hook for hex literals (0x8F72). Errors carry
// the character position (FilterSyntaxError.position), and unknown field names are errors
// at the name's position, like tshark's.
//
// Semantics (tshark 4 as reference):
//   field                 present (at least one occurrence)
//   f == v, <, >, <=, >=  true when ANY occurrence compares true
//   f != v                !(f == v): no occurrence equals (tshark 4 "!=" / "all not equal")
//   f contains v          text or bytes containing v (bytes: v as hex, ':' allowed)
//   f matches "re"        a JavaScript regular expression, case-insensitive (as tshark's)
// Values compare by kind: numbers numerically (bigints too); text as text; bytes against a
// string as hex ("0a1b", "0a:1b"); a number field against a string compares its value
// name (`zcl.header.command_id == "Publish Price"`) or the string read as a number.
// Decision: jsep is configured once (its operators are process-wide settings); the added
// operators only widen what it accepts.
import jsep from 'jsep';
import type { FieldOccurrence, FieldValue } from './dissect.js';
import { isFieldName } from './catalogue.js';

/** A filter expression that does not parse; `position` is the 0-based character index. */
export class FilterSyntaxError extends Error {
  constructor(readonly reason: string, readonly position: number, readonly expression: string) {
    super(`${reason} at character ${position + 1}`);
    this.name = 'FilterSyntaxError';
  }
}

let configured = false;
function configure(): void {
  if (configured) return;
  configured = true;
  jsep.addBinaryOp('contains', 7);
  jsep.addBinaryOp('matches', 7);
  jsep.addBinaryOp('and', 2);
  jsep.addBinaryOp('or', 1);
  jsep.addUnaryOp('not');
  jsep.hooks.add('gobble-token', function hexLiteral(this: jsep.HookScope, env: { node?: jsep.Expression }) {
    const m = /^0[xX][0-9a-fA-F]+/.exec(this.expr.slice(this.index));
    if (!m || (this.index > 0 && /[\w.]/.test(this.expr[this.index - 1]!))) return;
    this.index += m[0].length;
    env.node = { type: 'Literal', value: Number.parseInt(m[0].slice(2), 16), raw: m[0] } as jsep.Literal;
  });
}

/** Fields of one frame by name (what a filter reads). */
export type FieldLookup = (name: string) => readonly FieldOccurrence[];

type Eval = (get: FieldLookup) => boolean;
type Operand = { field: string } | { literal: string | number | boolean };

const COMPARE = new Set(['==', '!=', '<', '>', '<=', '>=', 'contains', 'matches']);

/** A compiled filter: `test(fields)`; `fields` lists the names it reads. */
export interface CompiledFilter {
  readonly source: string;
  readonly fields: readonly string[];
  /** True when the fields looked up through `get` satisfy the expression. */
  test(get: FieldLookup): boolean;
}

/**
 * Compiles a filter expression. Throws FilterSyntaxError (with the position) when it does
 * not parse, uses an operator the filter language lacks, or names an unknown field.
 */
export function compileFieldFilter(source: string): CompiledFilter {
  configure();
  let ast: jsep.Expression;
  try {
    ast = jsep(source);
  } catch (e) {
    const err = e as { index?: number; description?: string; message?: string };
    throw new FilterSyntaxError(err.description ?? String(err.message), err.index ?? 0, source);
  }
  const used = new Set<string>();
  let searchFrom = 0;
  const fail = (why: string, near?: string): never => {
    const at = near === undefined ? -1 : source.indexOf(near, searchFrom);
    throw new FilterSyntaxError(why, at < 0 ? 0 : at, source);
  };
  const fieldName = (n: jsep.Expression): string | undefined => {
    if (n.type === 'Identifier') return (n as jsep.Identifier).name;
    if (n.type === 'MemberExpression') {
      const m = n as jsep.MemberExpression;
      if (m.computed) return undefined;
      const head = fieldName(m.object);
      const prop = m.property.type === 'Identifier' ? (m.property as jsep.Identifier).name : undefined;
      return head !== undefined && prop !== undefined ? `${head}.${prop}` : undefined;
    }
    return undefined;
  };
  const field = (n: jsep.Expression): string => {
    const name = fieldName(n)!;
    if (!isFieldName(name)) fail(`"${name}" is not a field name (gbcs fields lists them)`, name);
    const at = source.indexOf(name, searchFrom);
    if (at >= 0) searchFrom = at + name.length;
    used.add(name);
    return name;
  };
  const operand = (n: jsep.Expression): Operand => {
    if (n.type === 'Literal') {
      const v = (n as jsep.Literal).value;
      if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return { literal: v };
      return fail('only numbers, strings, true and false can be compared', String((n as jsep.Literal).raw));
    }
    if (fieldName(n) !== undefined) return { field: field(n) };
    if (n.type === 'UnaryExpression' && (n as jsep.UnaryExpression).operator === '-' && (n as jsep.UnaryExpression).argument.type === 'Literal') {
      const v = ((n as jsep.UnaryExpression).argument as jsep.Literal).value;
      if (typeof v === 'number') return { literal: -v };
    }
    return fail('expected a field name or a value');
  };
  const compile = (n: jsep.Expression): Eval => {
    switch (n.type) {
      case 'Identifier': case 'MemberExpression': {
        if (fieldName(n) === undefined) return fail('expected a field name');
        const name = field(n);
        return (get) => get(name).length > 0;
      }
      case 'UnaryExpression': {
        const u = n as jsep.UnaryExpression;
        if (u.operator !== '!' && u.operator !== 'not') return fail(`operator ${u.operator} is not a filter operator`, u.operator);
        const inner = compile(u.argument);
        return (get) => !inner(get);
      }
      case 'BinaryExpression': {
        const b = n as jsep.BinaryExpression;
        const op = b.operator;
        if (op === '&&' || op === 'and' || op === '||' || op === 'or') {
          const l = compile(b.left), r = compile(b.right);
          return op === '&&' || op === 'and' ? (get) => l(get) && r(get) : (get) => l(get) || r(get);
        }
        if (!COMPARE.has(op)) return fail(`operator ${op} is not a filter operator (==, !=, <, >, <=, >=, contains, matches, &&, ||, !)`, op);
        const l = operand(b.left), r = operand(b.right);
        if (!('field' in l) && !('field' in r)) return fail(`${op} needs a field on one side`, op);
        return comparison(op, l, r, fail);
      }
      case 'Literal': return fail('a value alone is not a filter (compare it with a field)', String((n as jsep.Literal).raw));
      case 'Compound': return fail('one expression expected (join them with && or ||)');
      default: return fail(`unexpected ${n.type}`);
    }
  };
  const run = compile(ast);
  return { source, fields: [...used], test: run };
}

function comparison(op: string, l: Operand, r: Operand, fail: (why: string, near?: string) => never): Eval {
  if (op === 'matches') {
    if (!('field' in l) || !('literal' in r) || typeof r.literal !== 'string') fail('matches needs a field on the left and a "regular expression" on the right', 'matches');
    let re!: RegExp;
    try {
      re = new RegExp(r.literal, 'i');
    } catch (e) {
      return fail(`invalid regular expression: ${(e as Error).message}`, r.literal);
    }
    const name = l.field;
    return (get) => get(name).some((o) => re.test(textOf(o)));
  }
  // Normalise to field OP value (swap the operator when the field is on the right).
  const SWAP: Record<string, string> = { '<': '>', '>': '<', '<=': '>=', '>=': '<=' };
  let [fl, fr, o] = 'field' in l ? [l, r, op] : [r, l, SWAP[op] ?? op];
  const name = (fl as { field: string }).field;
  if (op === 'contains' && !('field' in l)) fail('contains needs a field on the left', 'contains');
  if ('field' in fr) {
    const other = fr.field;
    const any = (get: FieldLookup) => get(name).some((a) => get(other).some((b) => test(o, a.value, a.display, b.value)));
    return o === '!=' ? (get) => !get(name).some((a) => get(other).some((b) => test('==', a.value, a.display, b.value))) : any;
  }
  const lit = (fr as { literal: string | number | boolean }).literal;
  if (o === '!=') return (get) => !get(name).some((a) => test('==', a.value, a.display, lit));
  return (get) => get(name).some((a) => test(o, a.value, a.display, lit));
}

const hexOf = (b: Uint8Array) => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
const normHex = (s: string) => s.replace(/[:\s.-]/g, '').toLowerCase();

function textOf(o: FieldOccurrence): string {
  const v = o.value;
  if (v instanceof Uint8Array) return hexOf(v);
  return v === null ? (o.display ?? '') : String(v);
}

function cmp(op: string, a: number | bigint | string, b: number | bigint | string): boolean {
  switch (op) {
    case '==': return a == b; // eslint-disable-line eqeqeq -- number vs bigint
    case '<': return a < b;
    case '>': return a > b;
    case '<=': return a <= b;
    case '>=': return a >= b;
    default: return false;
  }
}

function asNumber(s: string): number | undefined {
  const t = s.trim();
  if (/^-?\d+(\.\d+)?$/.test(t)) return Number(t);
  if (/^0x[0-9a-f]+$/i.test(t)) return Number.parseInt(t.slice(2), 16);
  return undefined;
}

function test(op: string, v: FieldValue, display: string | undefined, lit: FieldValue): boolean {
  if (v === null || lit === null) return op === '==' && v === lit;
  if (op === 'contains') {
    if (v instanceof Uint8Array) return hexOf(v).includes(lit instanceof Uint8Array ? hexOf(lit) : normHex(String(lit)));
    const s = String(lit);
    return String(v).includes(s) || (display !== undefined && display.includes(s));
  }
  if (v instanceof Uint8Array) {
    const h = lit instanceof Uint8Array ? hexOf(lit) : typeof lit === 'string' ? normHex(lit) : undefined;
    return h === undefined ? false : cmp(op, hexOf(v), h);
  }
  if (lit instanceof Uint8Array) return false;
  if (typeof v === 'number' || typeof v === 'bigint') {
    if (typeof lit === 'number' || typeof lit === 'bigint') return cmp(op, v, lit);
    if (typeof lit === 'boolean') return op === '==' && Number(v) === Number(lit);
    if (display !== undefined && op === '==' && display === lit) return true;
    const n = asNumber(lit);
    return n !== undefined && cmp(op, v, n);
  }
  if (typeof v === 'boolean') return op === '==' && (typeof lit === 'boolean' ? v === lit : typeof lit === 'number' ? Number(v) === lit : String(v) === lit);
  // text
  if (typeof lit === 'string') return cmp(op, v, lit) || (op === '==' && display === lit);
  if (typeof lit === 'number') {
    const n = asNumber(v);
    return n !== undefined && cmp(op, n, lit);
  }
  return op === '==' && String(lit) === v;
}
