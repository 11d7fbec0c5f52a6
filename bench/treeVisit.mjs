// Tree-reading tasks of bench/tree.mjs, imported once per build (`treeVisit.mjs?lib=<name>`,
// so each build gets its own module instance): the walk over this build's nodes is not the
// walk over the other build's. A consumer walks one library's trees; when one shared
// visitor walked both (bench/tree.mjs before 2026-12-01), every property read met the node
// shapes of both builds (megamorphic: both sides paid a stub-cache lookup per read).
// Each task returns a function that decodes the whole input once.

let sink = 0;
/** Keeps results alive (read by the caller so nothing is optimised away). */
export const sinkValue = () => sink;

/** Full decode: the envelope and the payload tree (payload.decoded; nodes built on first read stay unbuilt). */
export const full = (l, input) => () => {
  for (const f of input) {
    const p = l.decodeFrame(f).payload;
    if (p && p.format !== 'unknown') sink += p.decoded.format.length;
  }
};

// Full decode read through: every node of the tree reached (DLMS elements and compact-array
// rows, DER children, specs, results, GBZ components and their ZCL commands): what a
// consumer that walks the whole tree pays where nodes are built on first read. Values and
// strings are not read (JSON rows: everyJson below, bench/payload.mjs).
// Named reads per node kind (a generic keyed walk would measure megamorphic lookups).
// DLMS values narrowed on `type`, as consumers read them (src/fields/dissect.ts).
const visitData = (d) => {
  const t = d.type;
  const items = t === 'array' || t === 'structure' ? d.items : t === 'compact-array' ? d.rows : undefined;
  let n = 1;
  if (items) for (let k = 0; k < items.length; k++) n += visitData(items[k]);
  return n;
};
const visitDer = (a) => {
  let n = 1;
  const c = a.children;
  if (c) for (let k = 0; k < c.length; k++) n += visitDer(c[k]);
  return n;
};
const visitList = (xs, f) => {
  let n = 0;
  if (xs) for (let k = 0; k < xs.length; k++) n += f(xs[k]);
  return n;
};
const visitSpec = (s) => 1 + (s.selectorParameters ? visitData(s.selectorParameters) : 0);
const visitComponent = (c) => 1 + (c.command ? 1 : 0);
/** Nodes of a decoded payload, every one reached. */
export const visit = (p) => {
  if (p.format === 'DLMS') return 1 + (p.body ? visitData(p.body) : visitList(p.specs, visitSpec) + visitList(p.data, visitData) + (p.results ? p.results.length : 0));
  if (p.format === 'GBZ') return 1 + visitList(p.components, visitComponent);
  return 1 + visitDer(p.root);
};

/** Full decode, every node reached. */
export const every = (l, input) => () => {
  for (const f of input) {
    const p = l.decodeFrame(f).payload;
    if (p && p.format !== 'unknown') sink += visit(p.decoded);
  }
};

/**
 * Full decode, every node reached, then the tree's JSON text (every value, name, text and
 * time read): `JSON.stringify(payload.toJSON())`, the public way to the JSON form.
 */
export const everyJson = (l, input) => () => {
  for (const f of input) {
    const p = l.decodeFrame(f).payload;
    if (p && p.format !== 'unknown') sink += visit(p.decoded) + JSON.stringify(p.toJSON()).length;
  }
};

/** Lazy one field: the number of top-level items and the first one, nothing else built. */
export const lazy = (l, input) => () => {
  for (const f of input) {
    const p = l.decodeFrame(f).payload;
    if (p && p.format !== 'unknown' && p.length > 0) sink += p.get(0) ? 1 : 0;
  }
};
