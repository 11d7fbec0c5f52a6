// DUIS XML in (issue 14 item 8): what service users hold, read with a maintained XML parser
// (fast-xml-parser) into the shapes @smartdcc/duis-parser's `parseDuis('simplified', ...)`
// produces, so the two can be cross-checked. Browser-safe: no node: imports; text or bytes in.
//
//   <sr:Request schemaVersion=..>                       <sr:Response schemaVersion=..>
//     <sr:Header>                                         <sr:Header>
//       <sr:RequestID>orig:target:counter</..>              <sr:RequestID>?  <sr:ResponseID>?
//       <sr:CommandVariant>1-8</..>                         <sr:ResponseCode>I0|E..|..</..>
//       <sr:ServiceReference>11.1</..>                      <sr:ResponseDateTime>..</..>
//       <sr:ServiceReferenceVariant>11.1</..>             </sr:Header>
//     </sr:Header>                                        <sr:Body> one of
//     <sr:Body><sr:UpdateFirmware>..</..></sr:Body>         <sr:ResponseMessage> SR, SRV, GBCSPayload | PreCommand{GBCSVersion,
//     <ds:Signature>..</ds:Signature>  (XMLDSig)                                  GBCSPayload} | ...
//   </sr:Request>                                           <sr:DeviceAlertMessage> AlertCode, GBCSPayload
//                                                           <sr:DCCAlertMessage> DCCAlertCode, DCCAlert{..}
//
// GBCSPayload is base64 of one GBCS frame (GBCS.md 1); an SR 11.1 / 11.4 FirmwareImage is
// base64 of the OTA upgrade image (GBCS.md 5.2).
//
// Hostile input is bounded BEFORE the parser allocates: input size, element count and nesting
// depth are counted by one linear pre-scan; a DOCTYPE (entity definitions: DUIS has none) is
// refused. Errors are GbcsDecodeError with the character offset ('duis-*' codes).
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { fromBase64Strict } from '../bytes.js';
import { GbcsDecodeError, type GbcsErrorCode } from '../errors.js';

/** The tree of strings duis-parser calls XMLData (namespace prefixes removed, attributes as '@_name'). */
export interface XmlData {
  [key: string]: string | string[] | XmlData | XmlData[];
}

/** `originator:target:counter`, EUI-64s lower-case and hyphenated as written (duis-parser's RequestId). */
export interface DuisRequestId {
  readonly originatorId: string;
  readonly targetId: string;
  readonly counter: bigint;
}

/** A parsed DUIS request: header fields and the embedded GBCS payload. */
export interface DuisRequest {
  readonly type: 'request';
  readonly schemaVersion?: string;
  readonly header: {
    readonly requestId: DuisRequestId;
    /** 1-8 (DUIS command variant). */
    readonly commandVariant: number;
    readonly serviceReference: string;
    readonly serviceReferenceVariant: string;
  };
  /** The Body element's content (as duis-parser's `body`). */
  readonly body: XmlData;
  /** Name of the body's service request element, e.g. 'UpdateFirmware', 'ActivateFirmware'. */
  readonly serviceRequest: string;
  /** True when an XMLDSig ds:Signature element is present (it is not verified here). */
  readonly signed: boolean;
}

/** A parsed DUIS response: header fields, status and the embedded GBCS payload. */
export interface DuisResponse {
  readonly type: 'response';
  readonly schemaVersion?: string;
  readonly header: {
    readonly requestId?: DuisRequestId;
    readonly responseId?: DuisRequestId;
    readonly responseCode: string;
    readonly responseDateTime: string;
  };
  readonly body: XmlData;
  /** Which body: 'ResponseMessage', 'DeviceAlertMessage', 'DCCAlertMessage' (or another element name). */
  readonly bodyKind: string;
  readonly signed: boolean;
}

/** A parsed DUIS message: a request or a response. */
export type DuisMessage = DuisRequest | DuisResponse;

/** Bounds for reading a DUIS XML document. */
export interface DuisReadOptions {
  /** Largest accepted document in characters (default 64 Mi: an SR 11.1 image as base64). */
  readonly maxLength?: number;
  /** Most elements (default 100,000: the largest template has a few thousand). */
  readonly maxElements?: number;
  /** Deepest nesting (default 32). */
  readonly maxDepth?: number;
}

/** Default bounds for reading DUIS XML (document length, element count, nesting depth). */
export const DUIS_LIMITS = { maxLength: 64 * 1024 * 1024, maxElements: 100_000, maxDepth: 32 } as const;

const fail = (code: GbcsErrorCode, offset: number, expected: string, detail?: string): never => {
  throw new GbcsDecodeError(code, offset, expected, detail);
};

/**
 * One linear pass over the text counting elements and depth, so that a hostile document is
 * refused before fast-xml-parser builds anything. Comments, CDATA, processing instructions
 * and quoted attribute values are skipped as the XML grammar says.
 */
function preScan(xml: string, maxElements: number, maxDepth: number): void {
  let depth = 0;
  let elements = 0;
  const n = xml.length;
  let i = xml.indexOf('<');
  while (i >= 0 && i < n) {
    const c = xml.charCodeAt(i + 1);
    if (c === 0x21 /* ! */) {
      if (xml.startsWith('<!--', i)) {
        const e = xml.indexOf('-->', i + 4);
        if (e < 0) fail('duis-xml', i, 'the end of a comment (-->)');
        i = xml.indexOf('<', e + 3);
        continue;
      }
      if (xml.startsWith('<![CDATA[', i)) {
        const e = xml.indexOf(']]>', i + 9);
        if (e < 0) fail('duis-xml', i, 'the end of a CDATA section (]]>)');
        i = xml.indexOf('<', e + 3);
        continue;
      }
      fail('duis-doctype', i, 'no DOCTYPE or other declaration (DUIS documents have none; entity definitions are refused)');
    }
    if (c === 0x3f /* ? */) {
      const e = xml.indexOf('?>', i + 2);
      if (e < 0) fail('duis-xml', i, 'the end of a processing instruction (?>)');
      i = xml.indexOf('<', e + 2);
      continue;
    }
    if (c === 0x2f /* / */) {
      depth--;
      const e = xml.indexOf('>', i);
      if (e < 0) fail('duis-xml', i, 'the end of a closing tag (>)');
      i = xml.indexOf('<', e + 1);
      continue;
    }
    // Start tag: find its end outside quoted attribute values.
    let j = i + 1;
    let quote = 0;
    for (; j < n; j++) {
      const d = xml.charCodeAt(j);
      if (quote) {
        if (d === quote) quote = 0;
      } else if (d === 0x22 || d === 0x27) quote = d;
      else if (d === 0x3e /* > */) break;
    }
    if (j >= n) fail('duis-xml', i, 'the end of a start tag (>)');
    if (++elements > maxElements) fail('duis-too-many-elements', i, `at most ${maxElements} XML elements`);
    if (xml.charCodeAt(j - 1) !== 0x2f /* self-closing */ && ++depth > maxDepth) fail('duis-too-deep', i, `XML nesting at most ${maxDepth} levels deep`);
    i = xml.indexOf('<', j + 1);
  }
}

let parser: XMLParser | undefined;
function xmlParser(): XMLParser {
  // The options duis-parser uses for 'simplified' (values stay text; prefixes removed).
  parser ??= new XMLParser({
    ignoreAttributes: false,
    removeNSPrefix: true,
    parseAttributeValue: false,
    parseTagValue: false,
    processEntities: true,
  });
  return parser;
}

/** Offset of line `line` (1-based), column `col` (1-based) in `text`. */
function offsetOf(text: string, line: number, col: number): number {
  let o = 0;
  for (let l = 1; l < line && o >= 0; l++) o = text.indexOf('\n', o) + 1;
  return Math.max(0, Math.min(text.length, o + col - 1));
}

const REQUEST_ID = /^([0-9A-Fa-f]{2}(?:-[0-9A-Fa-f]{2}){7}):([0-9A-Fa-f]{2}(?:-[0-9A-Fa-f]{2}){7}):(\d{1,20})$/;

/** Parses `orig:target:counter` the way duis-parser's parseRequestID does (lower-cased). */
export function parseDuisRequestId(text: string): DuisRequestId {
  const m = REQUEST_ID.exec(String(text).trim());
  if (!m) fail('duis-request-id', 0, 'a RequestID "XX-XX-XX-XX-XX-XX-XX-XX:XX-XX-XX-XX-XX-XX-XX-XX:counter"', `got ${JSON.stringify(String(text).slice(0, 80))}`);
  return { originatorId: m![1]!.toLowerCase(), targetId: m![2]!.toLowerCase(), counter: BigInt(m![3]!) };
}

const text = (v: unknown, where: string, at: number): string => {
  if (typeof v !== 'string') fail('duis-shape', at, `a text element ${where}`);
  return v as string;
};

/** Reads a DUIS request or response (text or UTF-8 bytes). */
export function readDuis(input: string | Uint8Array, options: DuisReadOptions = {}): DuisMessage {
  const maxLength = options.maxLength ?? DUIS_LIMITS.maxLength;
  if (typeof input !== 'string' && input.length > maxLength * 4) fail('input-too-large', maxLength, `a DUIS document of at most ${maxLength} characters`);
  let xml = typeof input === 'string' ? input : new TextDecoder('utf-8', { fatal: false }).decode(input);
  if (xml.charCodeAt(0) === 0xfeff) xml = xml.slice(1);
  if (xml.length > maxLength) fail('input-too-large', maxLength, `a DUIS document of at most ${maxLength} characters`);
  preScan(xml, options.maxElements ?? DUIS_LIMITS.maxElements, options.maxDepth ?? DUIS_LIMITS.maxDepth);
  const valid = XMLValidator.validate(xml);
  if (valid !== true) {
    const { line, col, msg } = valid.err;
    fail('duis-xml', offsetOf(xml, line, col), 'well-formed XML', `line ${line} column ${col}: ${msg.slice(0, 200)}`);
  }
  const doc = xmlParser().parse(xml) as XmlData;
  const root = doc.Request ?? doc.Response;
  const at = Math.max(0, xml.search(/<([A-Za-z_][\w.-]*:)?(Request|Response)[\s>]/));
  if (!root || typeof root !== 'object' || Array.isArray(root)) return fail('duis-shape', 0, 'a DUIS Request or Response root element');
  const r = root as XmlData;
  const header = r.Header;
  if (!header || typeof header !== 'object' || Array.isArray(header)) return fail('duis-shape', at, 'a Header element');
  const h = header as XmlData;
  const body = (r.Body && typeof r.Body === 'object' && !Array.isArray(r.Body) ? r.Body : {}) as XmlData;
  if (r.Body === undefined) fail('duis-shape', at, 'a Body element');
  const schemaVersion = typeof r['@_schemaVersion'] === 'string' ? (r['@_schemaVersion'] as string) : undefined;
  const signed = r.Signature !== undefined;
  const firstElement = (o: XmlData) => Object.keys(o).find((k) => !k.startsWith('@_') && k !== '#text') ?? '';
  if (doc.Request) {
    const cv = Number(text(h.CommandVariant, 'CommandVariant', at));
    if (!Number.isInteger(cv) || cv < 1 || cv > 8) fail('duis-shape', at, 'CommandVariant 1-8', `got ${JSON.stringify(h.CommandVariant)}`);
    return {
      type: 'request',
      ...(schemaVersion !== undefined && { schemaVersion }),
      header: {
        requestId: parseDuisRequestId(text(h.RequestID, 'RequestID', at)),
        commandVariant: cv,
        serviceReference: text(h.ServiceReference, 'ServiceReference', at),
        serviceReferenceVariant: text(h.ServiceReferenceVariant, 'ServiceReferenceVariant', at),
      },
      body,
      serviceRequest: firstElement(body),
      signed,
    };
  }
  return {
    type: 'response',
    ...(schemaVersion !== undefined && { schemaVersion }),
    header: {
      ...(typeof h.RequestID === 'string' && { requestId: parseDuisRequestId(h.RequestID) }),
      ...(typeof h.ResponseID === 'string' && { responseId: parseDuisRequestId(h.ResponseID) }),
      responseCode: text(h.ResponseCode, 'ResponseCode', at),
      responseDateTime: text(h.ResponseDateTime, 'ResponseDateTime', at),
    },
    body,
    bodyKind: firstElement(body),
    signed,
  };
}

/** A GBCS frame found in a DUIS message. */
export interface DuisGbcsPayload {
  /** Where it was: element path from the Body, e.g. 'ResponseMessage/PreCommand/GBCSPayload'. */
  readonly path: string;
  /** The frame bytes (base64-decoded). */
  readonly bytes: Uint8Array;
}

/** Walks a body breadth-first, calling `visit(path, value)` for every text element. Bounded by the pre-scan. */
function walkText(body: XmlData, visit: (path: string, name: string, value: string) => void): void {
  const queue: { path: string; node: XmlData }[] = [{ path: '', node: body }];
  for (let q = 0; q < queue.length; q++) {
    const { path, node } = queue[q]!;
    for (const [k, v] of Object.entries(node)) {
      if (k.startsWith('@_')) continue;
      const p = path ? `${path}/${k}` : k;
      for (const item of Array.isArray(v) ? v : [v]) {
        if (typeof item === 'string') visit(p, k, item);
        else if (item && typeof item === 'object') queue.push({ path: p, node: item as XmlData });
      }
    }
  }
}

/** Every GBCSPayload in the message, decoded from base64, in document order by depth. */
export function duisGbcsPayloads(m: DuisMessage): DuisGbcsPayload[] {
  const out: DuisGbcsPayload[] = [];
  walkText(m.body, (path, name, value) => {
    if (name !== 'GBCSPayload') return;
    const bytes = fromBase64Strict(value.trim());
    if (!bytes) fail('duis-base64', 0, `base64 in ${path}`);
    out.push({ path, bytes: bytes! });
  });
  return out;
}

/** The FirmwareImage of an SR 11.1 (UpdateFirmware) or SR 11.4 (UpdatePPMIDFirmware) request, if any. */
export function duisFirmwareImage(m: DuisMessage): { readonly path: string; readonly bytes: Uint8Array } | undefined {
  let found: { path: string; bytes: Uint8Array } | undefined;
  walkText(m.body, (path, name, value) => {
    if (found || name !== 'FirmwareImage') return;
    const bytes = fromBase64Strict(value.replace(/\s+/g, ''));
    if (!bytes) fail('duis-base64', 0, `base64 in ${path}`);
    found = { path, bytes: bytes! };
  });
  return found;
}

/** Text of the first element named `name` anywhere in the body. */
export function duisText(m: DuisMessage, name: string): string | undefined {
  let found: string | undefined;
  walkText(m.body, (_p, n, v) => {
    if (found === undefined && n === name) found = v;
  });
  return found;
}
