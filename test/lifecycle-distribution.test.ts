// Image-slot contention (issue 14 item 6): the premises distribution planner and the
// tracker's report of a pending image that was overwritten.
import { describe, expect, it } from 'vitest';
import { decodeFrame, encodeFrame, type FrameInit } from '../src/index.js';
import { FirmwareTracker, Premises, imageSlot, planDistributions, type DistributionStep } from '../src/lifecycle/index.js';
import { ccs08Alert, cs06Command, fdra, hashFor } from './lifecycle-day.js';

const ESME = '00db1234567890a0';
const GSME = '00db1234567890a1';
const PPMID = '00db1234567890a2';
const HCALCS = '00db1234567890a3';
const B3 = '00db1234567890b3';
const B4 = '00db1234567890b4';
const CHF = '00db1234567890c0';
const site = new Premises('P1', [
  { eui: ESME, deviceType: 'ESME', manufacturerCode: 0x1234, imageType: 1 },
  { eui: GSME, deviceType: 'GSME', manufacturerCode: 0x1234, imageType: 2 },
  { eui: PPMID, deviceType: 'PPMID', manufacturerCode: 0x1234, imageType: 3 },
  { eui: HCALCS, deviceType: 'HCALCS', manufacturerCode: 0x1234, imageType: 4 },
  { eui: B3, deviceType: 'PPMID', altHanVariant: 'B3', manufacturerCode: 0x5678, imageType: 3 },
  { eui: B4, deviceType: 'PPMID', altHanVariant: 'B4', manufacturerCode: 0x5678, imageType: 4 },
  { eui: CHF, deviceType: 'CHF', manufacturerCode: 0x1234, imageType: 5 },
]);

/**
 * Independent check: replays steps on a model where each slot holds one image, and
 * returns the activations that found another image in their slot.
 */
function overwrittenActivations(steps: readonly Pick<DistributionStep, 'action' | 'distribution' | 'devices'>[]): number[] {
  const slotOf = (eui: string) => imageSlot(site.devices.find((d) => d.eui === eui)!);
  const held = new Map<string, number>();
  const bad: number[] = [];
  for (const s of steps) {
    for (const eui of s.devices) {
      if (s.action === 'distribute') held.set(slotOf(eui), s.distribution);
      else if (held.get(slotOf(eui)) !== s.distribution) bad.push(s.distribution);
    }
  }
  return bad;
}

describe('image-slot contention: premises distribution planner', () => {
  it('image slots: a GSME image shares a slot with the Alt HAN bridges, PPMID with HCALCS; ESME and CHF hold their own', () => {
    const slot = (eui: string) => imageSlot(site.devices.find((d) => d.eui === eui)!);
    expect(slot(GSME)).toBe(slot(B3));
    expect(slot(B3)).toBe(slot(B4));
    expect(slot(PPMID)).toBe(slot(HCALCS));
    expect(slot(PPMID)).not.toBe(slot(B3));
    expect(new Set([slot(ESME), slot(CHF), slot(GSME), slot(PPMID)]).size).toBe(4);
  });

  it('image slots: the planner orders distributions and activations so no waiting image is overwritten before activation', () => {
    const dists = [
      { id: 'bridge B3', devices: [B3] },
      { id: 'gsme', devices: [GSME] },
      { id: 'ppmid', devices: [PPMID] },
      { id: 'hcalcs', devices: [HCALCS] },
      { id: 'esme', devices: [ESME] },
      { id: 'chf', devices: [CHF] },
    ];
    // The naive order (distribute everything, then activate) loses two waiting images.
    const naive = [...dists.map((d, i) => ({ action: 'distribute' as const, distribution: i, devices: d.devices })), ...dists.map((d, i) => ({ action: 'activate' as const, distribution: i, devices: d.devices }))];
    expect(overwrittenActivations(naive).sort()).toEqual([0, 2]);
    const { steps, waves } = planDistributions(site, dists);
    expect(overwrittenActivations(steps)).toEqual([]);
    expect(waves).toBe(2);
    // Independent slots go in the first wave; each distribution is distributed once and activated once, after.
    expect(steps.filter((s) => s.wave === 1 && s.action === 'distribute').map((s) => s.id)).toEqual(['bridge B3', 'ppmid', 'esme', 'chf']);
    expect(steps.filter((s) => s.wave === 2 && s.action === 'distribute').map((s) => s.id)).toEqual(['gsme', 'hcalcs']);
    for (let i = 0; i < dists.length; i++) {
      const d = steps.findIndex((s) => s.distribution === i && s.action === 'distribute');
      const a = steps.findIndex((s) => s.distribution === i && s.action === 'activate');
      expect(d).toBeGreaterThanOrEqual(0);
      expect(a).toBeGreaterThan(d);
    }
  });

  it('image slots: random distribution lists never overwrite a waiting image, and keep the given order within a slot', () => {
    let seed = 3;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
    const euis = site.devices.map((d) => d.eui);
    for (let round = 0; round < 200; round++) {
      const dists = Array.from({ length: 1 + Math.floor(rnd() * 8) }, () => ({ devices: [euis[Math.floor(rnd() * euis.length)]!] }));
      const { steps } = planDistributions(site, dists);
      expect(overwrittenActivations(steps)).toEqual([]);
      const order = steps.filter((s) => s.action === 'distribute');
      for (let i = 0; i < order.length; i++) for (let j = i + 1; j < order.length; j++) {
        if (order[i]!.slots.some((x) => order[j]!.slots.includes(x))) expect(order[i]!.distribution).toBeLessThan(order[j]!.distribution);
      }
    }
  });

  it('image slots: a distribution for a device not at the premises is refused', () => {
    expect(() => planDistributions(site, [{ id: 'x', devices: ['00db000000000001'] }])).toThrow(/x: device 00db000000000001 is not at premises P1/);
    expect(() => planDistributions(site, [{ devices: [] }])).toThrow(/no devices/);
  });
});

function track(frames: FrameInit[], t: FirmwareTracker): FirmwareTracker {
  for (const f of frames) t.consume(decodeFrame(encodeFrame(f)));
  return t;
}

describe('image-slot contention: the tracker reports a pending image that was overwritten', () => {
  it('image slots: a GSME image overwrites the one waiting for an Alt HAN bridge, and the tracker says so', () => {
    const t = track([ccs08Alert(CHF, 1n, B3, '00000002'), fdra(GSME, true, 2n, hashFor('gas-v2'))], new FirmwareTracker({ premises: [site] }));
    expect(t.state(B3)).toMatchObject({ status: 'image-overwritten', overwrittenBy: { eui: GSME, frame: 1 } });
    expect(t.state(B3)!.history.at(-1)!.note).toMatch(/overwritten by an image for 00db1234567890a1 \(shared slot premises:GSME\+ALT-HAN\)/);
    expect(t.state(GSME)!.status).toBe('image-pending');
    // The bridge's image distributed again: pending again, the report cleared.
    track([ccs08Alert(CHF, 3n, B3, '00000002')], t);
    expect(t.state(B3)).toMatchObject({ status: 'image-pending' });
    expect(t.state(B3)!.overwrittenBy).toBeUndefined();
    expect(t.state(GSME)).toMatchObject({ status: 'image-overwritten', overwrittenBy: { eui: B3 } });
  });

  it('image slots: PPMID and HCALCS images overwrite each other; an ESME image overwrites nothing', () => {
    const t = track([ccs08Alert(CHF, 1n, PPMID, '00000002'), fdra(ESME, false, 2n, hashFor('e')), ccs08Alert(CHF, 3n, HCALCS, '00000003')], new FirmwareTracker({ premises: [site] }));
    expect(t.state(PPMID)).toMatchObject({ status: 'image-overwritten', overwrittenBy: { eui: HCALCS } });
    expect(t.state(ESME)!.status).toBe('image-pending');
    expect(t.state(HCALCS)!.status).toBe('image-pending');
  });

  it('image slots: an activated image is not reported; a future-dated activation still waiting is', () => {
    const t = track([ccs08Alert(CHF, 1n, B3, '00000002'), cs06Command(B3, 2n, hashFor('b3'), '20300101000000Z'), fdra(GSME, true, 3n, hashFor('g'))], new FirmwareTracker({ premises: [site] }));
    expect(t.state(B3)).toMatchObject({ status: 'suspended', futureDated: true, overwrittenBy: { eui: GSME } });
    // Without premises the tracker cannot know the slots: nothing is reported.
    const u = track([ccs08Alert(CHF, 1n, B3, '00000002'), fdra(GSME, true, 2n, hashFor('g'))], new FirmwareTracker());
    expect(u.state(B3)!.status).toBe('image-pending');
  });
});

describe('image-slot contention: fw track --premises', () => {
  it('image slots: fw track --premises reports the bridge image overwritten by the GSME image', async () => {
    const { mkdtempSync, writeFileSync, rmSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { tmpdir } = await import('node:os');
    const { runCli } = await import('./cliHarness.js');
    const { toHex } = await import('../src/index.js');
    const dir = mkdtempSync(join(tmpdir(), 'gbcs-slots-'));
    try {
      const premises = join(dir, 'site.json');
      writeFileSync(premises, JSON.stringify(site));
      const frames = join(dir, 'frames.hex');
      writeFileSync(frames, [ccs08Alert(CHF, 1n, B3, '00000002'), fdra(GSME, true, 2n, hashFor('gas-v2'))].map((f) => toHex(encodeFrame(f))).join('\n'));
      const r = await runCli(['fw', 'track', '--premises', premises, frames]);
      expect(r.status).toBe(0);
      expect(r.stdout.split('\n').find((l) => l.startsWith(B3))).toMatch(/image-overwritten .*overwritten-by=00db1234567890a1/);
      // Without --premises nothing is known about slots.
      expect((await runCli(['fw', 'track', frames])).stdout.split('\n').find((l) => l.startsWith(B3))).toMatch(/image-pending/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
