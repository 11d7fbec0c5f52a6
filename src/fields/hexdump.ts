// Annotated hex dump (issue 13 item 2, `gbcs decode --hexdump`): the frame's bytes, each
// line beside the field it belongs to, nested as the field tree is (dissect.ts).
//
//   0000  dd 00 00 00 00 00 00 00 00 82 01 2c    gbcs = general-ciphering
//   000c  09                                       gbcs.envelope.cra = ...
//
// Bytes a node spans but no child names (tags, lengths) print on the node's own lines
// (before the first child) or as `·` lines between and after children; a field that
// shares bytes with the one before it (use_case and message_code) prints its label with
// no bytes. Decrypted parts print their plaintext bytes with `p+` offsets.
import type { FieldOccurrence } from './dissect.js';

interface Tree {
  readonly f: FieldOccurrence;
  readonly kids: Tree[];
}

function treeOf(list: readonly FieldOccurrence[]): Tree[] {
  const roots: Tree[] = [];
  const stack: Tree[] = [];
  for (const f of list) {
    const t: Tree = { f, kids: [] };
    while (stack.length && stack[stack.length - 1]!.f.depth >= f.depth) stack.pop();
    (stack.length ? stack[stack.length - 1]!.kids : roots).push(t);
    stack.push(t);
  }
  return roots;
}

/** `name = value (display)` with long values shortened. */
export function fieldLabel(f: FieldOccurrence, max = 48): string {
  const v = f.value;
  let text = v instanceof Uint8Array ? Array.from(v, (x) => x.toString(16).padStart(2, '0')).join('') : v === null ? '' : String(v);
  if (text.length > max) text = `${text.slice(0, max - 1)}…`;
  const shown = f.display !== undefined && f.display !== text ? (text ? `${text} (${f.display})` : f.display) : text;
  return shown ? `${f.name} = ${shown}` : f.name;
}

const WIDTH = 16;

/** The annotated hex dump of a frame's fields (from `dissectFrame`). */
export function hexDump(frameBytes: Uint8Array, list: readonly FieldOccurrence[]): string {
  const lines: string[] = [];
  const line = (src: Uint8Array, plain: boolean, from: number, to: number, label: string, depth: number) => {
    const ind = '  '.repeat(depth);
    if (to <= from) {
      lines.push(`${' '.repeat(plain ? 6 : 4)}  ${''.padEnd(WIDTH * 3 - 1)}  ${ind}${label}`);
      return;
    }
    for (let o = from; o < to; o += WIDTH) {
      const end = Math.min(to, o + WIDTH);
      let hex = '';
      for (let i = o; i < end; i++) hex += (i > o ? ' ' : '') + src[i]!.toString(16).padStart(2, '0');
      const off = (plain ? 'p+' : '') + o.toString(16).padStart(4, '0');
      lines.push(`${off}  ${hex.padEnd(WIDTH * 3 - 1)}  ${ind}${o === from ? label : '…'}`);
    }
  };
  const walk = (t: Tree) => {
    const f = t.f;
    const src = f.plaintext ?? frameBytes;
    const plain = f.plaintext !== undefined;
    const end = f.offset + f.length;
    const label = fieldLabel(f);
    const same = t.kids.filter((k) => k.f.plaintext === f.plaintext);
    if (t.kids.length === 0) {
      line(src, plain, f.offset, end, label, f.depth);
      return;
    }
    let cur = f.offset;
    const firstAt = same.length ? Math.max(f.offset, Math.min(same[0]!.f.offset, end)) : end;
    line(src, plain, cur, firstAt, label, f.depth);
    cur = firstAt;
    for (const k of t.kids) {
      if (k.f.plaintext === f.plaintext) {
        if (k.f.offset > cur) line(src, plain, cur, Math.min(k.f.offset, end), '·', f.depth + 1);
        if (k.f.offset < cur) {
          // Shares bytes already shown: label only (its own children still print).
          line(src, plain, 0, 0, fieldLabel(k.f), k.f.depth);
          for (const g of k.kids) walk(g);
          continue;
        }
        walk(k);
        cur = Math.max(cur, k.f.offset + k.f.length);
      } else walk(k);
    }
    if (cur < end) line(src, plain, cur, end, '·', f.depth + 1);
  };
  for (const r of treeOf(list)) walk(r);
  return `${lines.join('\n')}\n`;
}
