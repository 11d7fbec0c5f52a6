// Security output for the CLI: verification results and decrypted content of a frame.
import { existsSync, statSync } from 'node:fs';
import { normalizeEui, toHex } from '../bytes.js';
import { GbcsDecodeError } from '../errors.js';
import type { GbcsFrame } from '../frame.js';
import type { DecodedPayload } from '../payload/index.js';
import { decryptFrame, openFrame, type FrameDecryption } from '../security/decrypt.js';
import type { KeyStore } from '../security/keyStore.js';
import { folderKeyStore } from '../security/pemKeyStore.js';
import { verifyFrame } from '../security/verify.js';
import { UsageError } from './io.js';

/** `gbcs decode --keys`: exit status when a signature, MAC or encrypted part is invalid. */

export interface SecurityContext {
  readonly keyStore: KeyStore;
  readonly acb?: string;
}

/** `--keys <folder>` / `--acb <eui>` to a context; usage errors for bad values. */
export function securityContext(keys: string | true | undefined, acb: string | true | undefined): SecurityContext | undefined {
  if (acb !== undefined && keys === undefined) throw new UsageError('--acb needs --keys <folder>');
  if (keys === undefined || keys === true) return undefined;
  if (!existsSync(keys) || !statSync(keys).isDirectory()) throw new UsageError(`--keys: ${keys} is not a folder`);
  let eui: string | undefined;
  if (typeof acb === 'string') {
    try {
      eui = normalizeEui(acb);
    } catch {
      throw new UsageError(`--acb: ${JSON.stringify(acb)} is not an EUI-64 (16 hex digits)`);
    }
  }
  return { keyStore: folderKeyStore(keys), ...(eui ? { acb: eui } : {}) };
}

export interface SecurityReport {
  signature: { status: string; reason: string };
  mac: { status: string; reason: string };
  encrypted: boolean;
  decrypted: Array<{ kind: string; offset: number; status: string; reason: string; plaintext: string | null }>;
}

export async function securityReport(frame: GbcsFrame, ctx: SecurityContext): Promise<SecurityReport> {
  return (await secureFrame(frame, ctx)).report;
}

/** Opens the frame's payload (decrypted parts decoded in the tree) and reports on it. */
async function openOrReport(frame: GbcsFrame, ctx: SecurityContext): Promise<{ payload?: DecodedPayload; decryption: FrameDecryption }> {
  try {
    return await openFrame(frame, ctx.keyStore);
  } catch (e) {
    if (!(e instanceof GbcsDecodeError)) throw e;
    // No payload tree (GBT segment, unknown format, malformed payload): the frame text reports why.
    return { decryption: await decryptFrame(frame, ctx.keyStore) };
  }
}

/**
 * The security report of a frame and, when its payload decodes, the payload tree with
 * its encrypted parts opened (openPayload), for the payload section of the output.
 */
export async function secureFrame(frame: GbcsFrame, ctx: SecurityContext): Promise<{ report: SecurityReport; payload?: DecodedPayload }> {
  const [v, { payload, decryption: d }] = await Promise.all([verifyFrame(frame, ctx.keyStore, { acb: ctx.acb }), openOrReport(frame, ctx)]);
  const report: SecurityReport = {
    signature: { status: v.signature.status, reason: v.signature.reason },
    mac: { status: v.mac.status, reason: v.mac.reason },
    encrypted: d.encrypted,
    decrypted: d.parts.map((p) => ({
      kind: p.kind,
      offset: p.offset,
      status: p.status,
      reason: p.reason,
      plaintext: p.plaintext ? toHex(p.plaintext) : null,
    })),
  };
  return payload ? { report, payload } : { report };
}

const row = (k: string, v: string) => `  ${k.padEnd(18)} ${v}\n`;

export function formatSecurityText(r: SecurityReport): string {
  let s = row('verify signature', `${r.signature.status} (${r.signature.reason})`);
  s += row('verify mac', `${r.mac.status} (${r.mac.reason})`);
  for (const p of r.decrypted) {
    s += row(`encrypted ${p.kind}`, `at ${p.offset}: ${p.status}${p.plaintext !== null ? '' : ` (${p.reason})`}`);
    if (p.plaintext !== null) s += row('  plaintext', p.plaintext);
  }
  return s;
}

/** True when any check says 'invalid' (not for unknown keys: those are reported, not failures). */
/** True when a key was found but cannot be used (exit 4 in `decode --keys`, not 3). */
export function reportKeyUnusable(r: SecurityReport): boolean {
  return r.signature.status === 'key-unusable' || r.mac.status === 'key-unusable' || r.decrypted.some((p) => p.status === 'key-unusable');
}

export function reportFailed(r: SecurityReport): boolean {
  return r.signature.status === 'invalid' || r.mac.status === 'invalid' || r.decrypted.some((p) => p.status === 'invalid');
}
