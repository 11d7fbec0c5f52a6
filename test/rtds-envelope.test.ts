// RTDS conformance (envelope): every real message decodes, names a known use case that
// matches its file name, and re-encodes to the same bytes.
import { describe, expect, it } from 'vitest';
import { decodeFrame, decodeFrames, encodeFrame, GbcsFrame, messageCodeInfo, toHex } from '../src/index.js';
import { HAVE_RTDS, RTDS_SKIP_REASON, rtdsFiles } from './rtds.js';

/**
 * The file's folder names the use case; the frame's message code must name it too.
 * Folder names add a variant suffix to the use case id ("CS02bSupplierBySupplier",
 * "ECS47Deactivate", "GCA-DLMS"), and a command's folder also holds the alerts that
 * command can cause (future-dated execution alerts 0x00CA-0x00CD, sub-GHz config alert).
 */
export function useCaseMatches(folderUseCase: string, code: number, kind: string): boolean {
  const info = messageCodeInfo(code);
  if (!info) return false;
  if (info.useCase === folderUseCase) return true;
  if (folderUseCase.startsWith(info.useCase) && /^[A-Z-]/.test(folderUseCase.slice(info.useCase.length))) return true;
  return kind === 'ALERT' && info.alert;
}

describe.skipIf(!HAVE_RTDS)('RTDS conformance: envelope', () => {
  const files = rtdsFiles();

  it('finds the whole corpus', () => {
    expect(files.length).toBeGreaterThan(1000);
  });

  it('decodes every message, with a known message code matching the file name, and round-trips', () => {
    const failures: string[] = [];
    for (const f of files) {
      try {
        const frame = decodeFrame(f.bytes);
        if (!useCaseMatches(f.useCase, frame.messageCode, f.kind)) {
          failures.push(`${f.name}: message code 0x${frame.messageCode.toString(16)} (${frame.useCase}) does not match ${f.useCase}`);
        }
        const re = toHex(encodeFrame(frame));
        if (re !== f.hex.toLowerCase()) failures.push(`${f.name}: re-encoding differs`);
        if (frame.payloadFormat === 'unknown') failures.push(`${f.name}: no payload family`);
      } catch (e) {
        failures.push(`${f.name}: ${(e as Error).message}`);
      }
    }
    if (failures.length) console.error(failures.join('\n'));
    expect(failures).toEqual([]);
  });

  it('classifies the RTDS kinds: pre-commands unsigned, commands MACed or signed, CRA flags agree', () => {
    for (const f of files) {
      const frame = decodeFrame(f.bytes);
      const want = { COMMAND: 'command', PRECOMMAND: 'command', RESPONSE: 'response', ALERT: 'alert' }[f.kind];
      expect(frame.cra, f.name).toBe(want);
      if (f.kind === 'PRECOMMAND') {
        expect(frame.kind, f.name).toBe('general-signing');
        expect(frame.signatureState, f.name).toBe('absent');
      } else {
        expect(frame.signatureState, f.name).not.toBe('absent');
      }
    }
  });

  it('covers every Other Information variant and both date-time forms', () => {
    const variants = new Set<string>();
    let withDate = 0;
    for (const f of files) {
      const frame = decodeFrame(f.bytes);
      variants.add(frame.otherInformation.variant);
      if (frame.dateTime) withDate++;
    }
    expect([...variants].sort()).toEqual(['certificate', 'message-code', 'originator-counter', 'remote-party', 'remote-party-counter']);
    expect(withDate).toBeGreaterThan(100);
  });

  it('batch decoding agrees with single-frame decoding over the corpus', () => {
    const batch = decodeFrames(files.map((f) => f.bytes));
    batch.forEach((r, i) => {
      expect(r).toBeInstanceOf(GbcsFrame);
      const one = decodeFrame(files[i]!.bytes);
      expect((r as GbcsFrame).layout).toEqual(one.layout);
    });
  });
});

describe.skipIf(HAVE_RTDS)('RTDS conformance: skipped', () => {
  it('prints why', () => {
    console.warn(RTDS_SKIP_REASON);
    expect(HAVE_RTDS).toBe(false);
  });
});
