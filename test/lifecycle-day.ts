// A scripted day of firmware frames for the MP105 tracker: real GBCS frames built with
// encodeFrame (MACs and signatures are deterministic placeholders), with the expected
// final state of every device computed by the script itself as ground truth.
import { createHash } from 'node:crypto';
import { encodeFrame, fromHex, toHex, type FrameInit } from '../src/index.js';

export const SUPPLIER = '90b3d51f30010000';
const filler = (n: number, seed: number) => Uint8Array.from({ length: n }, (_, i) => (i * 37 + seed * 11) & 0xff);
const mac = (s: number) => filler(12, s);
const sig = (s: number) => filler(64, s);
const der = (tag: number, v: Uint8Array) => {
  const l = v.length < 0x80 ? [v.length] : v.length < 0x100 ? [0x81, v.length] : [0x82, v.length >> 8, v.length & 0xff];
  return Uint8Array.from([tag, ...l, ...v]);
};
const cat = (...p: Uint8Array[]) => Uint8Array.from(p.flatMap((x) => [...x]));
const derInt = (n: bigint) => {
  let h = n.toString(16);
  if (h.length % 2) h = `0${h}`;
  const b = fromHex(h);
  return der(0x02, b[0]! & 0x80 ? cat(Uint8Array.of(0), b) : b);
};
const gtime = (s: string) => der(0x18, new TextEncoder().encode(s));

export const hashFor = (label: string) => createHash('sha256').update(label).digest('hex');

export function cs06Command(device: string, counter: bigint, hash: string, executeAt?: string): FrameInit {
  const content = der(0x30, cat(der(0x04, fromHex(hash)), derInt(counter), executeAt ? gtime(executeAt) : new Uint8Array(0)));
  return { kind: 'general-ciphering', cra: 'command', originatorCounter: counter, originator: SUPPLIER, recipient: device, messageCode: 0x0012, content, signature: sig(1), mac: mac(1) };
}
export function cs06Response(device: string, counter: bigint, code: number, version: string): FrameInit {
  const content = der(0x30, cat(derInt(BigInt(code)), der(0x04, fromHex(version))));
  return { kind: 'general-signing', cra: 'response', originatorCounter: counter, originator: device, recipient: SUPPLIER, messageCode: 0x0012, content, signature: sig(2) };
}
export function cs06Accepted(device: string, counter: bigint): FrameInit {
  return { kind: 'general-signing', cra: 'response', originatorCounter: counter, originator: device, recipient: SUPPLIER, messageCode: 0x0012, content: fromHex('0500'), signature: sig(3) };
}
export function alert00CA(device: string, alertCounter: bigint, alertCode: 0x8f66 | 0x8f67, cmdCounter: bigint, code: number, version: string): FrameInit {
  const content = der(0x30, cat(derInt(BigInt(alertCode)), gtime('20251121090000Z'), derInt(cmdCounter), der(0x30, cat(derInt(BigInt(code)), der(0x04, fromHex(version))))));
  return { kind: 'general-signing', cra: 'alert', originatorCounter: alertCounter, originator: device, recipient: SUPPLIER, messageCode: 0x00ca, content, signature: sig(4) };
}
export function fdra(device: string, gas: boolean, counter: bigint, hash: string, ok = true): FrameInit {
  const code = ok ? '8F72' : '8F1C';
  const content = gas
    ? fromHex(`0109 00 ${code} 30B1A2C0 09 20 ${hash}`)
    : fromHex(`0F 200007D0 00 02 03 12 ${code} 09 0C 07E90B15050C0000000000 00 09 20 ${hash}`);
  return { kind: 'general-signing', cra: 'alert', originatorCounter: counter, originator: device, recipient: SUPPLIER, messageCode: gas ? 0x00cf : 0x00ce, content, signature: sig(5) };
}
export function ecs52Response(device: string, counter: bigint, version: string): FrameInit {
  const inv = (0x20000000 | Number(counter & 0xffffffn)).toString(16).padStart(8, '0');
  return { kind: 'general-ciphering', cra: 'response', originatorCounter: counter, originator: device, recipient: SUPPLIER, messageCode: 0x0059, content: fromHex(`DA ${inv} 00 00 01 09 04 ${version} 01 01 00`), signatureState: 'empty', mac: mac(6) };
}
export function gcs38Response(device: string, counter: bigint, version: string): FrameInit {
  return { kind: 'general-ciphering', cra: 'response', originatorCounter: counter, originator: device, recipient: SUPPLIER, messageCode: 0x0084, content: fromHex(`0109 01 01 0702 000C 08 00 01 0602 00 41 04 ${version}`), signatureState: 'empty', mac: mac(7) };
}
export function cs08Response(device: string, counter: bigint, version: string): FrameInit {
  return { kind: 'general-ciphering', cra: 'response', originatorCounter: counter, originator: device, recipient: SUPPLIER, messageCode: 0x0129, content: fromHex(`30 09 04 04 ${version} 02 01 00`), signatureState: 'empty', mac: mac(8) };
}
export function ccs08Alert(chf: string, counter: bigint, target: string, version: string, ok = true): FrameInit {
  const content = der(0x30, cat(derInt(ok ? 0x8f8an : 0x8f89n), gtime('20251121070000Z'), der(0x04, fromHex(target)), der(0x04, fromHex(version)), derInt(ok ? 0n : 3n)));
  return { kind: 'general-signing', cra: 'alert', originatorCounter: counter, originator: chf, recipient: SUPPLIER, messageCode: 0x0128, content, signature: sig(9) };
}

export type DeviceKind = 'ESME' | 'GSME' | 'PPMID';
export interface DayDevice {
  eui: string;
  kind: DeviceKind;
  gpf?: string;
  chf: string;
}
export interface Expected {
  status: 'running' | 'image-pending' | 'activation-failed';
  runningVersion: string;
  via?: string;
  recovered?: boolean;
}
export interface Day {
  frames: Uint8Array[];
  devices: DayDevice[];
  registry: { eui: string; deviceType: 'ESME' | 'GSME' | 'GPF' | 'PPMID' | 'CHF' }[];
  expected: Map<string, Expected>;
  /** Images by device kind: version and Manufacturer Image hash before and after. */
  versions: Record<DeviceKind, { from: string; to: string; hash: string; oldHash: string }>;
  lostResponses: number;
  cs06Commands: number;
}

/**
 * One day across `n` premises (ESME, GSME with its GPF, PPMID): morning reads, image
 * distribution, CS06 activation with ~20% of responses lost, and the afternoon recovery
 * (SR 11.2 reads, a GPF read that must not count for the GSME, retried SR 11.3).
 */
export function scriptedDay(n = 30, seed = 2025): Day {
  let s = seed;
  const rnd = () => ((s = (s * 1103515245 + 12345) & 0x7fffffff) % 1_000_000) / 1_000_000;
  const versions: Day['versions'] = {
    ESME: { from: '01000001', to: '01000002', hash: hashFor('ESME v2'), oldHash: hashFor('ESME v1') },
    GSME: { from: '02000001', to: '02000002', hash: hashFor('GSME v2'), oldHash: hashFor('GSME v1') },
    PPMID: { from: '03000001', to: '03000002', hash: hashFor('PPMID v2'), oldHash: hashFor('PPMID v1') },
  };
  const devices: DayDevice[] = [];
  const registry: Day['registry'] = [];
  for (let i = 0; i < n; i++) {
    const id = i.toString(16).padStart(4, '0');
    const chf = `00db0000c${id}000`.slice(0, 16);
    devices.push({ eui: `00db0001${id}0a00`, kind: 'ESME', chf });
    devices.push({ eui: `00db0001${id}0a01`, kind: 'GSME', gpf: `00db0001${id}0a0f`, chf });
    devices.push({ eui: `00db0001${id}0a02`, kind: 'PPMID', chf });
    registry.push({ eui: chf, deviceType: 'CHF' }, { eui: `00db0001${id}0a0f`, deviceType: 'GPF' });
  }
  for (const d of devices) registry.push({ eui: d.eui, deviceType: d.kind });

  const frames: FrameInit[] = [];
  const later: FrameInit[] = [];
  const expected = new Map<string, Expected>();
  let counter = 0x1000n;
  const next = () => (counter += 1n);
  let lostResponses = 0;
  let cs06Commands = 0;
  const read = (d: DayDevice, version: string, via = d.eui) =>
    d.kind === 'ESME' ? ecs52Response(via, next(), version) : d.kind === 'GSME' ? gcs38Response(via, next(), version) : cs08Response(via, next(), version);
  const readVia = { ESME: 'SR 11.2 ECS52', GSME: 'SR 11.2 GCS38', PPMID: 'SR 11.2 CS08' } as const;

  // Morning: everyone's running version is read.
  for (const d of devices) frames.push(read(d, versions[d.kind].from));
  // Distribution: FDRA from ESME/GSME, CCS08 from the CHF for the PPMID.
  for (const d of devices) {
    const v = versions[d.kind];
    frames.push(d.kind === 'PPMID' ? ccs08Alert(d.chf, next(), d.eui, v.to) : fdra(d.eui, d.kind === 'GSME', next(), v.hash));
  }
  // Activation.
  for (const d of devices) {
    const v = versions[d.kind];
    const r = rnd();
    const c = next();
    cs06Commands++;
    if (r < 0.05) {
      // The device holds a different image: hashMismatch, still on the old version.
      frames.push(cs06Command(d.eui, c, v.hash), cs06Response(d.eui, c, 2, v.from));
      expected.set(d.eui, { status: 'activation-failed', runningVersion: v.from, via: 'CS06 response' });
      continue;
    }
    if (r < 0.15) {
      // Future-dated: accepted now, actioned later (0x00CA 8F66).
      frames.push(cs06Command(d.eui, c, v.hash, '20251121120000Z'), cs06Accepted(d.eui, c));
      later.push(alert00CA(d.eui, next(), 0x8f66, c, 0, v.to));
      expected.set(d.eui, { status: 'running', runningVersion: v.to, via: 'alert 0x00CA 8F66', recovered: false });
      continue;
    }
    frames.push(cs06Command(d.eui, c, v.hash));
    if (rnd() >= 0.2) {
      frames.push(cs06Response(d.eui, c, 0, v.to));
      expected.set(d.eui, { status: 'running', runningVersion: v.to, via: 'CS06 response', recovered: false });
      continue;
    }
    // The response is lost. Recovery in the afternoon:
    lostResponses++;
    const how = rnd();
    const activated = how < 0.85; // the device did (or did not) activate before the loss
    if (how < 0.5) {
      if (d.kind === 'GSME') later.push(read(d, v.to, d.gpf)); // the GPF's answer must not count
      later.push(read(d, v.to));
      expected.set(d.eui, { status: 'running', runningVersion: v.to, via: readVia[d.kind], recovered: true });
    } else if (activated) {
      const c2 = next();
      cs06Commands++;
      later.push(cs06Command(d.eui, c2, v.hash), cs06Response(d.eui, c2, 0, v.to));
      expected.set(d.eui, { status: 'running', runningVersion: v.to, via: 'CS06 retry response', recovered: true });
    } else {
      // Not activated: the read shows the old version; the image is still pending.
      later.push(read(d, v.from));
      expected.set(d.eui, { status: 'image-pending', runningVersion: v.from, via: readVia[d.kind], recovered: true });
    }
  }
  // Noise a tracker must ignore: an unrelated command.
  frames.push({ kind: 'general-ciphering', cra: 'command', originatorCounter: next(), originator: SUPPLIER, recipient: devices[0]!.eui, messageCode: 0x005e, content: fromHex('D9 20005000 00 00 00'), signatureState: 'empty', mac: mac(10) });
  return { frames: [...frames, ...later].map((f) => encodeFrame(f)), devices, registry, expected, versions, lostResponses, cs06Commands };
}

export const dayAsHexLines = (day: Day) => day.frames.map((f) => toHex(f).toUpperCase()).join('\n') + '\n';
