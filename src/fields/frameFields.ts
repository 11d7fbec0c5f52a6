// Per-frame field lists (issue 13 item 6): what `frame.field(name)`, `frame.fields(name)`
// and `frame.fieldList()` read. Imports only the dissector, so frame.ts can use it.
import { dissectFrame, type DissectableFrame, type FieldOccurrence } from './dissect.js';

const LISTS = new WeakMap<object, readonly FieldOccurrence[]>();
const MAPS = new WeakMap<object, Map<string, FieldOccurrence[]>>();

/**
 * Every field of a frame in tree order, computed once per frame (kept beside the frame in
 * a WeakMap, so frames whose fields are never read pay nothing). Throws the payload's
 * GbcsDecodeError when it does not decode.
 */
export function frameFields(frame: DissectableFrame): readonly FieldOccurrence[] {
  let l = LISTS.get(frame);
  if (!l) LISTS.set(frame, (l = dissectFrame(frame)));
  return l;
}

/** The occurrences of one field in a frame (tree order; [] when absent). */
export function fieldOccurrences(frame: DissectableFrame, name: string): readonly FieldOccurrence[] {
  let m = MAPS.get(frame);
  if (!m) {
    m = new Map();
    for (const f of frameFields(frame)) {
      const a = m.get(f.name);
      if (a) a.push(f);
      else m.set(f.name, [f]);
    }
    MAPS.set(frame, m);
  }
  return m.get(name) ?? NONE;
}
const NONE: readonly FieldOccurrence[] = Object.freeze([]);
