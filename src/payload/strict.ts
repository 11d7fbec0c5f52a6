// Strict decoding of payload lengths (issue 10.10). The payload decoders keep a length or
// count written in a non-minimal form on the wire as `lengthWidth` (DLMS Data, ASN.1 nodes,
// compact-array type descriptions) or `lengthWidths` (DLMS access-request/-response list
// counts), so re-encoding stays byte-exact; both are set only when the form is not the
// shortest. GBZ/ZCL has fixed-width lengths only. `decodePayload(…, { strict: true })`
// refuses such a tree; nonMinimalPayloadLength finds the first one in any decoded tree.
import { GbcsDecodeError } from '../errors.js';

/** Properties that hold child nodes in the payload trees (own fields or getters). */
const CHILD_KEYS = ['items', 'rows', 'children', 'body', 'data', 'specs', 'results', 'components', 'root', 'typeDescription', 'selectorParameters'] as const;

/**
 * The first length or count kept in a non-minimal form in a decoded payload tree, as a
 * GbcsDecodeError `non-minimal-length` at that node's offset; undefined when all are
 * minimal. The walk visits each node once (trees are bounded by the payload Budget).
 */
export function nonMinimalPayloadLength(tree: unknown, offsetBase = 0): GbcsDecodeError | undefined {
  const seen = new Set<object>();
  const stack: unknown[] = [tree];
  while (stack.length > 0) {
    const v = stack.pop();
    if (typeof v !== 'object' || v === null || ArrayBuffer.isView(v) || seen.has(v)) continue;
    seen.add(v);
    if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) stack.push(v[i]);
      continue;
    }
    const o = v as Record<string, unknown>;
    const at = typeof o.offset === 'number' ? o.offset : offsetBase;
    if (typeof o.lengthWidth === 'number') {
      return new GbcsDecodeError('non-minimal-length', at, 'a length in its shortest form', `a ${o.lengthWidth}-byte length field (strict decoding)`);
    }
    const lws = o.lengthWidths;
    if (typeof lws === 'object' && lws !== null) {
      for (const [k, w] of Object.entries(lws)) {
        if (typeof w === 'number') return new GbcsDecodeError('non-minimal-length', at, `the ${k} count in its shortest form`, `a ${w}-byte count field (strict decoding)`);
      }
    }
    for (let i = CHILD_KEYS.length - 1; i >= 0; i--) {
      const k = CHILD_KEYS[i]!;
      if (k in o) stack.push(o[k]);
    }
  }
  return undefined;
}
