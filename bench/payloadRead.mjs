// Reading tasks of bench/payload.mjs, imported once per build (`payloadRead.mjs?lib=<name>`):
// each build's nodes are read by its own copy of these functions, as a consumer of one
// library reads them (one visitor shared by two builds met both builds' node shapes at
// every property read: megamorphic, which penalised getter-based nodes most; see
// bench/treeVisit.mjs). Each task returns a function that decodes its input once.

let sink = 0;
/** Keeps results alive (read by the caller so nothing is optimised away). */
export const sinkValue = () => sink;

const readAll = (n) => {
  let k = (n.name?.length ?? 0) + n.offset + n.length + (n.integer !== undefined ? 1 : 0) + (n.text?.length ?? 0) + (n.valueName?.length ?? 0);
  if (n.certificate) k += n.certificate.subject.length;
  if (n.children) for (const c of n.children) k += readAll(c);
  return k;
};

/** ASN.1 full decode (the root only read). */
export const asn1Full = (decode, input) => () => {
  for (const f of input) sink += decode(f).payload.decoded.root.tag;
};
/** ASN.1 full decode + every node's name, offset, length, integer, text, value name and certificate read. */
export const asn1ReadAll = (decode, input) => () => {
  for (const f of input) sink += readAll(decode(f).payload.decoded.root);
};
/** DLMS full decode (the APDU type read). */
export const dlmsFull = (decode, input) => () => {
  for (const f of input) sink += decode(f).payload.decoded.type.length;
};
/** GBZ full decode (the component count read). */
export const gbzFull = (decode, input) => () => {
  for (const f of input) sink += decode(f).payload.decoded.components.length;
};
/** Full decode + JSON.stringify(payload.toJSON()) (every value and name read). */
export const json = (decode, input) => () => {
  for (const f of input) sink += JSON.stringify(decode(f).payload.toJSON()).length;
};
/** Mean JSON.stringify(payload.toJSON()) length over `input`. */
export const jsonBytes = (decode, input) => {
  let n = 0;
  for (const f of input) n += JSON.stringify(decode(f).payload.toJSON()).length;
  return n / input.length;
};
