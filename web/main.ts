// The offline decoder page (issue 15 item 2): paste hex / base64 / DUIS XML or drop a file;
// the decoded tree with names (frame.fieldList(): every named field with offset + length),
// hovering a node highlights its bytes in the hex view; PEM key files dropped on the page
// verify signatures and MACs (WebCrypto); an OTA image is read with a progress bar and hashed.
// Bundled by scripts/build-web.mjs (esbuild) into one self-contained web/dist/index.html that
// works from file:// with no network (the WASM core is embedded as base64 in src/generated).
//
// Decision (keys): the library's folder key store (gbcs-codec/node) reads files with node:fs
// and node:crypto, so the page builds a tiny in-page KeyStore from dropped PEM texts with
// WebCrypto: `<eui>[-pp]-<ds|ka>.pem` (X.509 certificate or SPKI) and `.key` (PKCS#8), the
// RTDS keystore's names. The certificate's SubjectPublicKeyInfo is cut out of the DER with the
// library's own decodeDer (no hand-written X.509 parser beyond picking the field).
// Decision (OTA hash): WebCrypto has no incremental SHA-256, and the library's createSha256
// in a browser collects the chunks and digests once. So the page reads the file with
// File.stream() (one pass, progress bar per chunk) into one buffer, finds the layout with
// upgradeImageLayout, and digests the whole file and the manufacturer image once each.
import {
  init,
  decodeFrame,
  decodeDer,
  fromBase64,
  fromHex,
  readDuis,
  duisGbcsPayloads,
  messageCodeInfo,
  readTypedView,
  verifyFrame,
  webCryptoPrimitives,
  upgradeImageLayout,
  sha256Hex,
  OTA_FILE_IDENTIFIER,
  normalizeEui,
  jsonReplacer,
  type GbcsFrame,
  type KeyStore,
  type KeyUsage,
  type FieldOccurrence,
} from '../src/index.js';

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const input = $<HTMLTextAreaElement>('input');
const status = $('status');
const treeEl = $('tree');
const hexEl = $('hex');
const summaryEl = $('summary');
const verifyEl = $('verify');
const otaEl = $('ota');
const framesEl = $('frames');
const keysEl = $('keys');

// ---------- keys (in-page KeyStore over dropped PEM texts) ----------
const keyTexts = new Map<string, string>(); // stem (eui[-pp]-ds|ka) + '.pem' | '.key' -> PEM text
const keyCache = new Map<string, Promise<CryptoKey | undefined>>();

function pemDer(text: string): { label: string; der: Uint8Array } {
  const m = /-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END \1-----/.exec(text);
  if (!m) throw new Error('no PEM block');
  return { label: m[1]!, der: fromBase64(m[2]!.replace(/\s+/g, '')) };
}

/** The SubjectPublicKeyInfo DER of an X.509 certificate (tbsCertificate's 7th field, 6th without version). */
function spkiOfCertificate(der: Uint8Array): Uint8Array {
  const cert = decodeDer(der);
  const tbs = cert.children?.[0];
  const fields = tbs?.children;
  if (!fields) throw new Error('not an X.509 certificate');
  const first = fields[0]!;
  const start = first.tag === 0xa0 ? 1 : 0; // [0] EXPLICIT version
  const spki = fields[start + 5]!;
  // Asn1Node.length counts the contents only: the SPKI element is header + contents.
  return der.subarray(spki.offset, spki.offset + spki.headerLength + spki.length);
}

async function importKey(stem: string, usage: KeyUsage, privateKey: boolean): Promise<CryptoKey | undefined> {
  const alg = usage === 'DS' ? { name: 'ECDSA', namedCurve: 'P-256' } : { name: 'ECDH', namedCurve: 'P-256' };
  const subtle = crypto.subtle;
  const keyText = keyTexts.get(`${stem}.key`);
  if (privateKey) {
    if (!keyText) return undefined;
    return subtle.importKey('pkcs8', pemDer(keyText).der as BufferSource, alg, false, usage === 'DS' ? ['sign'] : ['deriveBits']);
  }
  const pub = keyTexts.get(`${stem}.pem`);
  if (pub) {
    const { label, der } = pemDer(pub);
    const spki = label === 'CERTIFICATE' ? spkiOfCertificate(der) : der;
    return subtle.importKey('spki', spki as BufferSource, alg, true, usage === 'DS' ? ['verify'] : []);
  }
  if (keyText) {
    // Public half of a private key: import extractable, export as JWK, drop d.
    const k = await subtle.importKey('pkcs8', pemDer(keyText).der as BufferSource, alg, true, usage === 'DS' ? ['sign'] : ['deriveBits']);
    const jwk = await subtle.exportKey('jwk', k);
    delete jwk.d;
    jwk.key_ops = usage === 'DS' ? ['verify'] : [];
    return subtle.importKey('jwk', jwk, alg, true, usage === 'DS' ? ['verify'] : []);
  }
  return undefined;
}

const pageKeyStore: KeyStore = (eui, usage, options = {}) => {
  const stem = `${normalizeEui(eui)}${options.prepayment ? '-pp' : ''}-${usage.toLowerCase()}`;
  const id = `${stem}:${options.privateKey ? 'private' : 'public'}`;
  let p = keyCache.get(id);
  if (!p) keyCache.set(id, (p = importKey(stem, usage, options.privateKey === true)));
  return p;
};

function addKeyFile(name: string, text: string): boolean {
  const m = /^([0-9a-f]{16}(?:-pp)?-(?:ds|ka))\.(pem|key)$/i.exec(name.replace(/^.*[\\/]/, ''));
  if (!m) return false;
  keyTexts.set(`${m[1]!.toLowerCase()}.${m[2]!.toLowerCase()}`, text);
  keyCache.clear();
  keysEl.textContent = `${keyTexts.size} key file(s) loaded: ${[...keyTexts.keys()].sort().join(', ')}`;
  return true;
}

// ---------- rendering ----------
let current: GbcsFrame | undefined;
let byteSpans: HTMLSpanElement[] = [];
const lit: HTMLSpanElement[] = [];

function setStatus(text: string, error = false): void {
  status.textContent = text;
  status.className = error ? 'error' : '';
}

function hexOf(b: Uint8Array): string {
  return Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
}

function valueText(f: FieldOccurrence): string {
  const v = f.value;
  let t = v instanceof Uint8Array ? hexOf(v) : v === null ? '' : String(v);
  if (t.length > 64) t = `${t.slice(0, 63)}…`;
  if (f.display !== undefined && f.display !== t) t = t ? `${t} (${f.display})` : f.display;
  return t;
}

function renderHex(bytes: Uint8Array): void {
  hexEl.textContent = '';
  byteSpans = [];
  const frag = document.createDocumentFragment();
  for (let row = 0; row < bytes.length; row += 16) {
    const off = document.createElement('span');
    off.className = 'off';
    off.textContent = `${row.toString(16).padStart(6, '0')}  `;
    frag.append(off);
    for (let i = row; i < Math.min(row + 16, bytes.length); i++) {
      const s = document.createElement('span');
      s.className = 'b';
      s.dataset.i = String(i);
      s.textContent = bytes[i]!.toString(16).padStart(2, '0');
      byteSpans.push(s);
      frag.append(s, i % 16 === 7 ? '  ' : ' ');
    }
    frag.append('\n');
  }
  hexEl.append(frag);
}

function highlight(offset: number, length: number): void {
  for (const s of lit) s.classList.remove('hl');
  lit.length = 0;
  for (let i = offset; i < offset + length && i < byteSpans.length; i++) {
    const s = byteSpans[i]!;
    s.classList.add('hl');
    lit.push(s);
  }
  lit[0]?.scrollIntoView({ block: 'nearest' });
}

function renderTree(list: readonly FieldOccurrence[]): void {
  treeEl.textContent = '';
  const frag = document.createDocumentFragment();
  for (const f of list) {
    const d = document.createElement('div');
    d.className = 'node';
    d.style.paddingLeft = `${f.depth * 14 + 4}px`;
    d.dataset.name = f.name;
    d.dataset.offset = String(f.offset);
    d.dataset.length = String(f.length);
    if (f.plaintext) d.dataset.plaintext = '1';
    const v = valueText(f);
    const name = document.createElement('b');
    name.textContent = f.name;
    const pos = document.createElement('span');
    pos.className = 'pos';
    pos.textContent = `@${f.offset}+${f.length}${f.plaintext ? ' (plaintext)' : ''}`;
    d.append(name, v ? ` = ${v}` : '', pos);
    frag.append(d);
  }
  treeEl.append(frag);
}

treeEl.addEventListener('mouseover', (e) => {
  const node = (e.target as HTMLElement).closest<HTMLElement>('.node');
  if (!node) return;
  for (const a of treeEl.querySelectorAll('.node.active')) a.classList.remove('active');
  node.classList.add('active');
  if (node.dataset.plaintext) return highlight(0, 0); // decrypted bytes are not in the frame's hex view
  highlight(Number(node.dataset.offset), Number(node.dataset.length));
});

async function showFrame(bytes: Uint8Array, origin: string): Promise<void> {
  otaEl.textContent = '';
  verifyEl.textContent = '';
  let frame: GbcsFrame;
  try {
    frame = decodeFrame(bytes);
  } catch (e) {
    current = undefined;
    treeEl.textContent = '';
    summaryEl.textContent = '';
    renderHex(bytes);
    setStatus(`${origin}: ${(e as Error).message}`, true);
    return;
  }
  current = frame;
  const info = messageCodeInfo(frame.messageCode);
  const lines = [
    `use case: ${frame.useCase ?? info?.useCase ?? '?'}${info ? ` (${info.name})` : ''}`,
    `message code: 0x${frame.messageCode.toString(16).padStart(4, '0')}  kind: ${frame.kind}  CRA: ${frame.cra}  payload: ${frame.payloadFormat}  ${bytes.length} bytes`,
  ];
  try {
    const typed = readTypedView(frame);
    if (typed) lines.push(`typed view (${typed.module.id}): ${JSON.stringify(typed.view, jsonReplacer).slice(0, 600)}`);
  } catch (e) {
    lines.push(`typed view: ${(e as Error).message}`);
  }
  summaryEl.textContent = lines.join('\n');
  renderHex(frame.bytes);
  renderTree(frame.fieldList());
  setStatus(`${origin}: decoded ${frame.fieldList().length} fields`);
  await runVerify();
}

async function runVerify(): Promise<void> {
  if (!current || keyTexts.size === 0) {
    verifyEl.textContent = keyTexts.size === 0 ? '' : 'verification: no frame';
    return;
  }
  try {
    const v = await verifyFrame(current, pageKeyStore, { primitives: webCryptoPrimitives() });
    verifyEl.textContent = `verification (WebCrypto): ${v.ok ? 'OK' : 'not OK'}\n  signature: ${v.signature.status}: ${v.signature.reason}\n  MAC: ${v.mac.status}: ${v.mac.reason}`;
  } catch (e) {
    verifyEl.textContent = `verification failed: ${(e as Error).name}: ${(e as Error).message}`;
  }
}

// ---------- input ----------
function framesFromText(text: string): { label: string; bytes: Uint8Array }[] {
  const t = text.trim();
  if (t.startsWith('<')) {
    const m = readDuis(t);
    const found = duisGbcsPayloads(m);
    if (found.length === 0) throw new Error('DUIS message without a GBCSPayload');
    return found.map((p) => ({ label: `DUIS ${p.path}`, bytes: p.bytes }));
  }
  const compact = t.replace(/\s+/g, '').replace(/^0x/i, '');
  if (/^(?:[0-9a-fA-F]{2})+$/.test(compact)) return [{ label: 'hex', bytes: fromHex(compact) }];
  // Base64 may be wrapped in lines, never broken by spaces inside a line.
  const b64 = t.replace(/[\r\n]+/g, '');
  if (/^[A-Za-z0-9+/_-]+=*$/.test(b64)) return [{ label: 'base64', bytes: fromBase64(b64) }];
  throw new Error('not hex, base64 or a DUIS XML message');
}

async function showFrames(list: { label: string; bytes: Uint8Array }[]): Promise<void> {
  framesEl.textContent = '';
  if (list.length > 1) {
    list.forEach((f, i) => {
      const b = document.createElement('button');
      b.textContent = `${i + 1}: ${f.label}`;
      b.onclick = () => {
        for (const x of framesEl.querySelectorAll('button')) x.classList.remove('sel');
        b.classList.add('sel');
        void showFrame(f.bytes, f.label);
      };
      framesEl.append(b);
    });
    (framesEl.firstElementChild as HTMLElement).classList.add('sel');
  }
  await showFrame(list[0]!.bytes, list[0]!.label);
}

async function decodeText(text: string): Promise<void> {
  try {
    await showFrames(framesFromText(text));
  } catch (e) {
    setStatus((e as Error).message, true);
  }
}

const OTA_MAGIC = [OTA_FILE_IDENTIFIER & 0xff, (OTA_FILE_IDENTIFIER >>> 8) & 0xff, (OTA_FILE_IDENTIFIER >>> 16) & 0xff, OTA_FILE_IDENTIFIER >>> 24];

async function inspectOta(file: File): Promise<void> {
  const row = $('progressRow');
  const bar = $<HTMLProgressElement>('progress');
  const text = $('progressText');
  row.hidden = false;
  bar.max = file.size || 1;
  bar.value = 0;
  const all = new Uint8Array(file.size);
  let got = 0;
  const reader = file.stream().getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    if (got + value.length > all.length) throw new Error(`${file.name} grew while being read`);
    all.set(value, got);
    got += value.length;
    bar.value = got;
    text.textContent = `read ${got} / ${file.size} bytes`;
  }
  const bytes = all.subarray(0, got);
  text.textContent = `read ${got} / ${file.size} bytes; hashing`;
  const lines = [`OTA image ${file.name}: ${got} bytes`, `SHA-256 of the file: ${await sha256Hex(bytes)}`];
  try {
    const layout = upgradeImageLayout({ size: got, read: (o, n) => bytes.subarray(o, o + n) });
    const h = layout.header;
    const img = bytes.subarray(layout.manufacturerImageOffset, layout.manufacturerImageOffset + layout.manufacturerImageLength);
    lines.push(
      `form: ${layout.form}  manufacturer 0x${h.manufacturerCode.toString(16).padStart(4, '0')}  image type 0x${h.imageType.toString(16).padStart(4, '0')}  file version 0x${h.fileVersion.toString(16).padStart(8, '0')}`,
      `header string: ${JSON.stringify(h.headerString)}  header length ${h.headerLength}  total ${h.totalImageSize}`,
      ...(h.upgradeFileDestination ? [`destination: ${h.upgradeFileDestination}`] : []),
      `manufacturer image: @${layout.manufacturerImageOffset}+${layout.manufacturerImageLength}  SHA-256 (Manufacturer Image Hash): ${await sha256Hex(img)}`,
      ...(layout.trailerOffset !== undefined ? [`GBCS trailer at ${layout.trailerOffset}: signature ${hexOf(bytes.subarray(layout.trailerOffset + 2, layout.trailerOffset + 66))}`] : []),
    );
    renderHex(bytes.subarray(0, Math.min(bytes.length, 4096)));
  } catch (e) {
    lines.push(`not a valid OTA image: ${(e as Error).message}`);
  }
  text.textContent = `done: ${got} bytes`;
  otaEl.textContent = lines.join('\n');
  setStatus(`${file.name}: OTA image inspected`);
}

async function handleFiles(files: FileList | File[]): Promise<void> {
  let keys = 0;
  const rest: File[] = [];
  for (const f of Array.from(files)) {
    if (/\.(pem|key)$/i.test(f.name) && addKeyFile(f.name, await f.text())) keys++;
    else rest.push(f);
  }
  for (const f of rest) {
    const head = new Uint8Array(await f.slice(0, 4).arrayBuffer());
    if (head.length === 4 && head.every((b, i) => b === OTA_MAGIC[i])) {
      await inspectOta(f);
      continue;
    }
    const text = await f.text();
    const looksText = /^[\x09\x0a\x0d\x20-\x7e\u00a0-\uffff]*$/.test(text.slice(0, 4096)) && !text.includes('\ufffd');
    if (looksText) {
      input.value = text.length > 1_000_000 ? '' : text;
      try {
        await showFrames(framesFromText(text));
      } catch (e) {
        setStatus(`${f.name}: ${(e as Error).message}`, true);
      }
    } else {
      await showFrame(new Uint8Array(await f.arrayBuffer()), f.name);
    }
  }
  if (keys && rest.length === 0) await runVerify();
}

$('clearKeys').addEventListener('click', () => {
  keyTexts.clear();
  keyCache.clear();
  keysEl.textContent = 'no keys loaded';
  void runVerify();
});
$('decode').addEventListener('click', () => void decodeText(input.value));
input.addEventListener('paste', () => setTimeout(() => void decodeText(input.value), 0));
$<HTMLInputElement>('file').addEventListener('change', (e) => void handleFiles((e.target as HTMLInputElement).files ?? []));
const drop = $('drop');
for (const ev of ['dragenter', 'dragover'] as const) {
  document.addEventListener(ev, (e) => {
    e.preventDefault();
    drop.classList.add('over');
  });
}
document.addEventListener('dragleave', () => drop.classList.remove('over'));
document.addEventListener('drop', (e) => {
  e.preventDefault();
  drop.classList.remove('over');
  if (e.dataTransfer?.files.length) void handleFiles(e.dataTransfer.files);
});

setStatus('loading the decoder…');
init().then(
  () => {
    document.body.dataset.ready = '1';
    setStatus('ready: paste a frame or drop a file');
  },
  (e: Error) => setStatus(`could not start the WASM core: ${e.message}`, true),
);
