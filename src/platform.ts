// Node built-ins without an import: the main entry (`gbcs-codec`) must bundle for browsers,
// so no module in its graph names a `node:` specifier in an import. Code that can use a
// Node facility when it is there (node:crypto for speed, node:fs for a file sink) asks for it
// at run time through `process.getBuiltinModule` (Node >= 20.16), which bundlers leave alone.
//
// Decision: a browser gets `undefined` from `nodeBuiltin` and the caller falls back to the
// web platform (WebCrypto) or, where there is no web equivalent (files), throws a clear error.

/** The Node built-in module `name` (e.g. 'node:crypto'), or undefined outside Node. */
export function nodeBuiltin<T>(name: string): T | undefined {
  const p = (globalThis as { process?: { getBuiltinModule?: (n: string) => unknown } }).process;
  return typeof p?.getBuiltinModule === 'function' ? (p.getBuiltinModule(name) as T | undefined) : undefined;
}

/** Like nodeBuiltin, but a missing module is an error naming what needed it. */
export function requireNodeBuiltin<T>(name: string, what: string): T {
  const m = nodeBuiltin<T>(name);
  if (m === undefined) throw new Error(`${what} needs Node.js (${name}); it is not available on this platform`);
  return m;
}
