// Readable payload trees for `gbcs decode`: field names, values, names of codes, and
// the unit/time reading where GBCS.md gives one.
import { toHex } from '../bytes.js';
import type { GbcsDateTime } from '../dateTime.js';
import type { Asn1Node } from '../payload/asn1.js';
import type { DlmsRequestSpec } from '../payload/dlms.js';
import type { DecryptedContent } from '../payload/decrypted.js';
import type { DlmsData, DlmsTypeDescription } from '../payload/dlmsData.js';
import type { GbzComponent, GbzPayload } from '../payload/gbz.js';
import type { DecodedPayload } from '../payload/index.js';
import { secondsSince2000 } from '../payload/names.js';
import type { ZclCommand, ZclFieldValue, ZclValue } from '../payload/zcl.js';

const hex = (n: number, w = 4) => `0x${n.toString(16).toUpperCase().padStart(w, '0')}`;
const clip = (h: string, max = 64) => (h.length <= max ? h : `${h.slice(0, max)}... (${h.length / 2} bytes)`);
const dtText = (d: GbcsDateTime) => d.special ?? d.iso ?? d.hex;

function typeText(t: DlmsTypeDescription): string {
  if (t.type === 'structure') return `structure{${t.items.map(typeText).join(', ')}}`;
  if (t.type === 'array') return `array[${t.count}] of ${typeText(t.element)}`;
  return t.type;
}

/** Lines for one DLMS Data value. `seconds` marks u32 UTC seconds since 2000 (range selectors). */
function dataLines(d: DlmsData, ind: string, label: string, out: string[], seconds = false): void {
  const head = `${ind}${label}${d.type}`;
  switch (d.type) {
    case 'array': case 'structure':
      out.push(`${head} (${d.items.length})${d.protectedAttributes ? ' [get_protected_attributes: encrypted]' : ''}`);
      d.items.forEach((it, k) => dataLines(it, `${ind}  `, `[${k}] `, out, seconds));
      return;
    case 'compact-array':
      out.push(`${head} ${typeText(d.typeDescription)}, ${d.rows.length} rows`);
      d.rows.forEach((r, k) => dataLines(r, `${ind}  `, `row ${k}: `, out, true));
      return;
    case 'octet-string': {
      let s = `${head} ${clip(toHex(d.bytes))}`;
      if (d.dateTime) s += ` (date-time ${dtText(d.dateTime)})`;
      if (d.obis) s += ` (OBIS ${d.obis.text}${d.obis.name ? ` ${d.obis.name}` : ''})`;
      if (d.date) s += ` (date ${d.date.text})`;
      if (d.time) s += ` (time ${d.time.text})`;
      if (d.encrypted) s += ' (ciphertext)';
      out.push(s);
      if (d.decrypted) decryptedLines(d.decrypted, `${ind}  `, out, (x) => dataLines(x, `${ind}    `, '', out));
      return;
    }
    case 'double-long-unsigned':
      // Times in log rows and range selections are u32 UTC seconds since 2000 (GBCS.md 3.2);
      // small values in the same columns are counters, so only plausible times (2008+) are read as such.
      out.push(`${head} ${d.value}${seconds && d.value >= 0x10000000 ? ` (${secondsSince2000(d.value)}, UTC seconds since 2000)` : ''}`);
      return;
    case 'long-unsigned': case 'enum': case 'unsigned':
      out.push(`${head} ${d.value} (${hex(d.value, d.type === 'long-unsigned' ? 4 : 2)})`);
      return;
    case 'date-time': out.push(`${head} ${dtText(d.dateTime)}`); return;
    case 'date': out.push(`${head} ${toHex(d.bytes)}${d.date.text ? ` (${d.date.text})` : ''}`); return;
    case 'time': out.push(`${head} ${toHex(d.bytes)}${d.time.text ? ` (${d.time.text})` : ''}`); return;
    case 'bit-string': out.push(`${head} ${d.bits}`); return;
    case 'visible-string': case 'utf8-string': out.push(`${head} ${JSON.stringify(d.value)}`); return;
    case 'null': out.push(head); return;
    case 'float32': case 'float64': case 'boolean': case 'long64': case 'long64-unsigned':
    default:
      out.push(`${head} ${String((d as { value: unknown }).value)}`);
  }
}

function specText(s: DlmsRequestSpec): string {
  const id = s.method !== undefined ? `method ${s.method}${s.methodName ? ` ${s.methodName}` : ''}` : `attribute ${s.attribute}${s.attributeName ? ` ${s.attributeName}` : ''}`;
  return `${s.kind} class ${s.classId}${s.className ? ` (${s.className})` : ''} ${s.obis.text}${s.obis.name ? ` (${s.obis.name})` : ''} ${id}${s.selector !== undefined ? `, selector ${s.selector}` : ''}`;
}

function zclValueText(v: ZclValue): string {
  const x = v.value;
  const printable = typeof x === 'string' && /^[\x20-\x7e]*$/.test(x);
  const s = x instanceof Uint8Array || (typeof x === 'string' && !printable) ? toHex(v.raw) : Array.isArray(x) ? `[${x.map(zclValueText).join(', ')}]` : typeof x === 'string' ? JSON.stringify(x) : String(x);
  return `${v.dataTypeName} ${s}${v.iso ? ` (${v.iso})` : ''}`;
}

function zclLines(c: ZclCommand, ind: string, out: string[]): void {
  switch (c.command) {
    case 'read-attributes':
      out.push(`${ind}attributes ${c.attributes.map((a) => `${hex(a.id)}${a.name ? ` ${a.name}` : ''}`).join(', ')}`);
      return;
    case 'read-attributes-response':
      for (const r of c.records) out.push(`${ind}${hex(r.id)}${r.name ? ` ${r.name}` : ''}: ${r.value ? zclValueText(r.value) : r.statusName}`);
      return;
    case 'write-attributes': case 'write-attributes-undivided': case 'write-attributes-no-response':
      for (const r of c.records) out.push(`${ind}${hex(r.id)}${r.name ? ` ${r.name}` : ''} := ${zclValueText(r.value)}`);
      return;
    case 'write-attributes-response':
      for (const r of c.records) out.push(`${ind}${r.statusName}${r.id !== undefined ? ` ${hex(r.id)}` : ''}`);
      return;
    case 'default-response':
      out.push(`${ind}command ${hex(c.commandId, 2)}${c.answersCommand ? ` ${c.answersCommand}` : ''}: ${c.statusName}`);
      return;
    case 'cluster-specific':
      zclFieldLines(c.fields, ind, out);
      return;
    case 'other':
      out.push(`${ind}payload ${c.payload.length === 0 ? '(empty)' : clip(toHex(c.payload))}`);
      if (c.layoutError) out.push(`${ind}  (does not fit the ${c.name ?? ''} layout: ${c.layoutError.code} at byte ${c.layoutError.offset}: expected ${c.layoutError.expected})`);
  }
}

/** Lines for the named fields of a cluster-specific command (zclCommands.ts layouts). */
function zclFieldLines(fields: readonly ZclFieldValue[], ind: string, out: string[]): void {
  for (const f of fields) {
    if (f.type === 'repeat') {
      out.push(`${ind}${f.name} (${f.entries?.length ?? 0})`);
      f.entries?.forEach((e, k) => {
        const lines: string[] = [];
        zclFieldLines(e.fields, '', lines);
        // Flat entries on one line; nested ones indented below their index.
        if (e.fields.every((x) => x.type !== 'repeat')) out.push(`${ind}  [${k}] ${lines.join(', ')}`);
        else {
          out.push(`${ind}  [${k}]`);
          for (const l of lines) out.push(`${ind}    ${l}`);
        }
      });
      continue;
    }
    const x = f as ZclFieldValue & { text?: string; iso?: string; date?: string; valueName?: string };
    const v = f.value;
    let s: string;
    if (v === null) s = '(invalid)';
    else if (v instanceof Uint8Array) s = x.text !== undefined && /^[\x20-\x7e]*$/.test(x.text) ? JSON.stringify(x.text) : x.date ?? (v.length === 0 ? '(empty)' : clip(toHex(v)));
    else s = f.type.startsWith('map') ? `${hex(v, 2 * (f.type === 'map8' ? 1 : f.type === 'map16' ? 2 : 4))}` : String(v);
    const extra = [x.iso, x.valueName].filter((t) => t).join(', ');
    out.push(`${ind}${f.name}: ${s}${extra ? ` (${extra})` : ''}`);
  }
}

/** The `decrypted` of an opened encrypted node (openPayload): status, then the typed plaintext. */
function decryptedLines<T>(d: DecryptedContent<T>, ind: string, out: string[], body: (x: T) => void): void {
  if (d.status !== 'decrypted') {
    out.push(`${ind}decryption ${d.status} (${d.reason})`);
    return;
  }
  if (d.decoded !== undefined) {
    out.push(`${ind}decrypted:`);
    body(d.decoded);
  } else {
    const e = d.decodeError!;
    out.push(`${ind}decrypted: ${clip(toHex(d.plaintext!))}`);
    out.push(`${ind}  plaintext does not decode: ${e.code} at plaintext byte ${e.offset}: expected ${e.expected}`);
  }
}

function componentLines(c: GbzComponent, k: number, out: string[]): void {
  const z = c.zcl;
  out.push(`  component ${k}: cluster ${hex(c.clusterId)}${c.clusterName ? ` ${c.clusterName}` : ''}, ${z.commandName ?? `command ${hex(z.commandId, 2)}`} (${z.frameType}, ${z.direction}, seq ${z.sequenceNumber})${c.lastComponent ? ', last' : ''}`);
  if (c.fromDateTime) out.push(`    from-date-time ${c.fromDateTime.seconds === 0xffffffff ? 'not specified' : c.fromDateTime.iso}`);
  if (c.encrypted) {
    out.push(`    encrypted (frame counter ${c.additionalHeader.frameCounter}): ${clip(toHex(c.ciphertext))}`);
    if (c.decrypted) decryptedLines(c.decrypted, '    ', out, (x) => zclLines(x, '      ', out));
    return;
  }
  zclLines(c.command, '    ', out);
}

function gbzLines(g: GbzPayload, out: string[]): void {
  out.push(`payload GBZ, ${g.componentCount} component(s)`);
  if (g.alert) {
    const a = g.alert;
    out.push(`  alert ${hex(a.alertCode)}${a.alertName ? ` ${a.alertName}` : ''} at ${a.time.iso}`);
    const c = a.content;
    if (c.kind === 'future-dated') out.push(`    command ${hex(c.messageCode)}${c.useCase ? ` ${c.useCase}` : ''}, counter ${c.originatorCounter}, cluster ${hex(c.clusterId)}, command ${hex(c.commandId, 2)}`);
    if (c.kind === 'firmware-hash') out.push(`    image hash ${toHex(c.hash)}`);
    if (c.kind === 'code') out.push(`    code ${c.code}`);
  }
  g.components.forEach((c, k) => componentLines(c, k, out));
}

function asn1Lines(n: Asn1Node, ind: string, out: string[]): void {
  const label = `${ind}${n.name ? `${n.name}: ` : ''}${n.typeName}`;
  const cert = n.certificate;
  if (cert) {
    out.push(`${label} certificate serial ${cert.serial}, subject ${cert.subject || '(empty)'}, issuer ${cert.issuer || '(empty)'}, valid ${cert.notBefore} .. ${cert.notAfter} (${cert.der.length} bytes DER)`);
    return;
  }
  if (n.children) {
    out.push(label);
    for (const c of n.children) asn1Lines(c, `${ind}  `, out);
    for (const d of n.defaults ?? []) out.push(`${ind}  ${d.name}: ${d.value}${d.valueName ? ` ${d.valueName}` : ''} (DEFAULT, absent)`);
    return;
  }
  let v = '';
  const int = n.integer;
  const bs = n.bitString;
  if (int !== undefined) v = `${int}${int > 255n ? ` (0x${int.toString(16).toUpperCase()})` : ''}${n.valueName ? ` ${n.valueName}` : ''}`;
  else if (n.time) v = `${n.text} (${n.special === 'cancel' ? 'cancel' : n.time})`;
  else if (n.text !== undefined) v = JSON.stringify(n.text);
  else if (n.oid) v = `${n.oid}${n.oidName ? ` ${n.oidName}` : ''}`;
  else if (n.boolean !== undefined) v = String(n.boolean);
  else if (bs) v = `${toHex(bs.bytes)} (${bs.unusedBits} unused bits)${n.bits ? ` {${n.bits.join(', ')}}` : ''}`;
  else if (n.value && n.value.length > 0) v = clip(toHex(n.value));
  out.push(v ? `${label} ${v}` : label);
}

/** The payload tree as indented text lines. */
export function formatPayload(p: DecodedPayload): string {
  const out: string[] = [];
  if (p.format === 'GBZ') gbzLines(p, out);
  else if (p.format === 'ASN.1') {
    out.push(`payload ASN.1${p.structure ? `: ${p.structure}` : ''}`);
    asn1Lines(p.root, '  ', out);
  } else {
    const iv = p.invokeId;
    out.push(`payload DLMS ${p.type}, invoke-id ${iv.invokeId} (${hex(iv.value, 8)})${p.dateTime ? `, date-time ${dtText(p.dateTime)}` : ''}`);
    if (p.type === 'data-notification') {
      if (p.alertCode !== undefined) out.push(`  alert code ${hex(p.alertCode)}${p.alertName ? ` ${p.alertName}` : ''}`);
      const a = p.alert;
      if (a?.kind === 'future-dated') {
        out.push(`  future-dated item: message code ${hex(a.messageCode, 4)}${a.useCase ? ` ${a.useCase}` : ''}, originator counter ${a.originatorCounter}, ` +
          `class ${a.classId}${a.className ? ` (${a.className})` : ''} ${a.obis.text}${a.obis.name ? ` (${a.obis.name})` : ''} ` +
          `attribute/method ${a.attribute}${a.attributeName ? ` ${a.attributeName}` : ''}${a.methodName && a.methodName !== a.attributeName ? ` / ${a.methodName}` : ''}`);
      }
      dataLines(p.body, '  ', '', out);
    } else if (p.type === 'access-request') {
      p.specs.forEach((s, k) => {
        out.push(`  [${k}] ${specText(s)}`);
        if (s.selectorParameters) dataLines(s.selectorParameters, '      ', 'selection: ', out, true);
        const d = p.data[k];
        if (d && d.type !== 'null') dataLines(d, '      ', 'data: ', out);
      });
    } else {
      p.data.forEach((d, k) => {
        const r = p.results[k];
        out.push(`  [${k}] ${r ? `${r.kind} ${r.resultName}` : ''}`);
        if (d.type !== 'null' || !r || r.result === 0) dataLines(d, '      ', '', out);
      });
    }
  }
  return out.map((l) => `  ${l}\n`).join('');
}
