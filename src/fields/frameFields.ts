// Per-frame field lists (issue 13 item 6): what `frame.field(name)`, `frame.fields(name)`
// and `frame.fieldList()` read. Imports only the dissector, so frame.ts can use it. The
// frame keeps one FieldCache slot (undefined until fields are first read), so frames whose
// fields are never read pay nothing but that slot.
import { dissectFrame, type DissectableFrame, type FieldOccurrence } from './dissect.js';

/** A frame's dissected fields, and the same grouped by name (built on first lookup). */
export class FieldCache {
  readonly list: readonly FieldOccurrence[];
  #byName: Map<string, FieldOccurrence[]> | undefined = undefined;
  constructor(frame: DissectableFrame) {
    this.list = dissectFrame(frame);
  }
  /** The occurrences of one field (tree order; [] when absent). */
  get(name: string): readonly FieldOccurrence[] {
    let m = this.#byName;
    if (!m) {
      m = new Map();
      for (const f of this.list) {
        const a = m.get(f.name);
        if (a) a.push(f);
        else m.set(f.name, [f]);
      }
      this.#byName = m;
    }
    return m.get(name) ?? NONE;
  }
}
const NONE: readonly FieldOccurrence[] = Object.freeze([]);
