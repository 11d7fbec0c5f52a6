import { readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { GbcsDecodeError, decodeFrame, encodeFrame, type FrameInit } from '../src/index.js';
import { FirmwareRepository, FirmwareTracker } from '../src/lifecycle/index.js';
import {
  alert00CA,
  ccs08Alert,
  cs06Accepted,
  cs06Command,
  cs06Response,
  cs08Response,
  dayAsHexLines,
  ecs52Response,
  fdra,
  gcs38Response,
  hashFor,
  scriptedDay,
} from './lifecycle-day.js';

const ESME = '00db1234567890a0';
const GSME = '00db1234567890a1';
const GPF = '00db1234567890af';
const PPMID = '00db1234567890a2';
const H2 = hashFor('v2');
const registry = [
  { eui: ESME, deviceType: 'ESME' as const },
  { eui: GSME, deviceType: 'GSME' as const },
  { eui: GPF, deviceType: 'GPF' as const },
  { eui: PPMID, deviceType: 'PPMID' as const },
];

/** Feeds frames through encodeFrame -> bytes -> decodeFrame, as a real adapter would. */
function track(frames: FrameInit[], t = new FirmwareTracker({ devices: registry })): FirmwareTracker {
  for (const f of frames) {
    const bytes = encodeFrame(f);
    const decoded = decodeFrame(bytes);
    expect(encodeFrame(decoded)).toEqual(bytes); // round trip
    t.consume(decoded);
  }
  return t;
}

describe('MP105 firmware status tracker', () => {
  it('MP105: a distributed image (FDRA 8F72) makes an image pending with its hash', () => {
    const t = track([fdra(ESME, false, 1n, H2), fdra(GSME, true, 2n, H2)]);
    expect(t.state(ESME)).toMatchObject({ status: 'image-pending', pendingImageHash: H2 });
    expect(t.state(GSME)).toMatchObject({ status: 'image-pending', pendingImageHash: H2 });
  });

  it('MP105: a failed image verification (FDRA 8F1C) makes nothing pending', () => {
    const t = track([fdra(ESME, false, 1n, H2, false)]);
    expect(t.state(ESME)!.status).toBe('running');
    expect(t.state(ESME)!.pendingImageHash).toBeUndefined();
    expect(t.state(ESME)!.history.at(-1)!.note).toMatch(/8F1C/);
  });

  it('MP105: an SR 11.3 (CS06) command puts the device in Suspended', () => {
    const t = track([ecs52Response(ESME, 1n, '00000001'), fdra(ESME, false, 2n, H2), cs06Command(ESME, 3n, H2)]);
    expect(t.state(ESME)).toMatchObject({ status: 'suspended', outstandingCommands: [3n], pendingImageHash: H2, runningVersion: '00000001' });
  });

  it('MP105: a CS06 success response activates the new version', () => {
    const t = track([cs06Command(ESME, 3n, H2), cs06Response(ESME, 3n, 0, '00000002')]);
    expect(t.state(ESME)).toMatchObject({ status: 'running', runningVersion: '00000002', outstandingCommands: [] });
    expect(t.state(ESME)!.lastReconciliation).toMatchObject({ via: 'CS06 response', outcome: 'activated', recovered: false, responseCode: 0 });
  });

  it('MP105: a CS06 error response ends the suspension as activation-failed, on the reported version', () => {
    const t = track([cs06Command(ESME, 3n, H2), cs06Response(ESME, 3n, 2, '00000001')]);
    expect(t.state(ESME)).toMatchObject({ status: 'activation-failed', runningVersion: '00000001' });
    expect(t.state(ESME)!.lastReconciliation).toMatchObject({ outcome: 'failed', responseCode: 2 });
  });

  it('MP105: a future-dated CS06 stays Suspended on 05 00 and activates on alert 0x00CA 8F66', () => {
    const t = track([cs06Command(ESME, 3n, H2, '20300115090000Z'), cs06Accepted(ESME, 3n)]);
    expect(t.state(ESME)).toMatchObject({ status: 'suspended', futureDated: true });
    track([alert00CA(ESME, 9n, 0x8f66, 3n, 0, '00000002')], t);
    expect(t.state(ESME)).toMatchObject({ status: 'running', runningVersion: '00000002' });
    expect(t.state(ESME)!.lastReconciliation).toMatchObject({ via: 'alert 0x00CA 8F66', counter: 3n });
  });

  it('MP105: alert 0x00CA 8F67 (not actioned) ends the suspension as activation-failed', () => {
    const t = track([cs06Command(ESME, 3n, H2, '20300115090000Z'), alert00CA(ESME, 9n, 0x8f67, 3n, 3, '00000001')]);
    expect(t.state(ESME)).toMatchObject({ status: 'activation-failed', runningVersion: '00000001' });
  });

  it('MP105: when the CS06 response is lost the device stays Suspended until an SR 11.2 read (ECS52) shows the version', () => {
    const t = track([ecs52Response(ESME, 1n, '00000001'), cs06Command(ESME, 3n, H2)]);
    expect(t.state(ESME)!.status).toBe('suspended');
    track([ecs52Response(ESME, 4n, '00000002')], t);
    expect(t.state(ESME)).toMatchObject({ status: 'running', runningVersion: '00000002' });
    expect(t.state(ESME)!.lastReconciliation).toMatchObject({ via: 'SR 11.2 ECS52', outcome: 'activated', recovered: true, counter: 4n });
  });

  it('MP105: a read showing the previous version clears Suspended as not activated, image still pending', () => {
    const t = track([ecs52Response(ESME, 1n, '00000001'), fdra(ESME, false, 2n, H2), cs06Command(ESME, 3n, H2), ecs52Response(ESME, 4n, '00000001')]);
    expect(t.state(ESME)).toMatchObject({ status: 'image-pending', runningVersion: '00000001', pendingImageHash: H2 });
    expect(t.state(ESME)!.lastReconciliation!.outcome).toBe('not-activated');
  });

  it('MP105: with the repository, the read is judged against the version of the image hash', () => {
    const entry = (id: string, v: string, h: string) => ({ entryId: id, deviceType: 'ESME', manufacturer: 'A', model: 'M', firmwareVersion: v, manufacturerImageHash: h, upgradePath: [] });
    const repository = new FirmwareRepository([entry('E1', '00000001', hashFor('v1')), entry('E2', '00000002', H2)]);
    // Previous version unknown: only the repository can tell that 00000003 is not the image.
    const t = track([cs06Command(ESME, 3n, H2), ecs52Response(ESME, 4n, '00000003')], new FirmwareTracker({ devices: registry, repository }));
    expect(t.state(ESME)).toMatchObject({ status: 'image-pending', pendingVersion: '00000002' });
    const u = track([cs06Command(ESME, 3n, H2), ecs52Response(ESME, 4n, '00000003')]);
    expect(u.state(ESME)!.lastReconciliation!.outcome).toBe('unverified');
  });

  it('MP105: a GCS38 read from the GSME itself reconciles the GSME', () => {
    const t = track([gcs38Response(GSME, 1n, '00000001'), cs06Command(GSME, 3n, H2), gcs38Response(GSME, 5n, '00000002')]);
    expect(t.state(GSME)).toMatchObject({ status: 'running', runningVersion: '00000002' });
    expect(t.state(GSME)!.lastReconciliation!.via).toBe('SR 11.2 GCS38');
  });

  it('MP105: a GPF read does not reconcile the GSME', () => {
    const t = track([gcs38Response(GSME, 1n, '00000001'), cs06Command(GSME, 3n, H2), gcs38Response(GPF, 4n, '00000002')]);
    expect(t.state(GSME)!.status).toBe('suspended');
    expect(t.notes.at(-1)!.note).toMatch(/a GPF/);
    // Without a device registry the GPF's answer still only ever updates the GPF's own EUI.
    const u = track([gcs38Response(GSME, 1n, '00000001'), cs06Command(GSME, 3n, H2), gcs38Response(GPF, 4n, '00000002')], new FirmwareTracker());
    expect(u.state(GSME)!.status).toBe('suspended');
    expect(u.state(GPF)!.runningVersion).toBe('00000002');
  });

  it('MP105: a CS08 read reconciles a PPMID after a CCS08 transfer', () => {
    const t = track([cs08Response(PPMID, 1n, '00000001'), ccs08Alert('00db123456789000', 2n, PPMID, '00000002'), cs06Command(PPMID, 3n, H2)]);
    expect(t.state(PPMID)).toMatchObject({ status: 'suspended', pendingVersion: '00000002' });
    track([cs08Response(PPMID, 4n, '00000002')], t);
    expect(t.state(PPMID)).toMatchObject({ status: 'running', runningVersion: '00000002' });
    expect(t.state(PPMID)!.lastReconciliation!.via).toBe('SR 11.2 CS08');
  });

  it('MP105: a read of the wrong use case for the device type is not applied', () => {
    const t = track([cs06Command(ESME, 3n, H2), gcs38Response(ESME, 4n, '00000002')]);
    expect(t.state(ESME)!.status).toBe('suspended');
    expect(t.notes.at(-1)!.note).toMatch(/SR 11.2 GCS38 .* a ESME/);
  });

  it('MP105: a retried SR 11.3 response does not clear Suspended by default (the route is opt-in)', () => {
    const t = track([cs06Command(ESME, 3n, H2), cs06Command(ESME, 7n, H2), cs06Response(ESME, 7n, 0, '00000002')]);
    expect(t.state(ESME)).toMatchObject({ status: 'suspended', outstandingCommands: [3n, 7n] });
    expect(t.state(ESME)!.lastReconciliation).toBeUndefined();
    expect(t.state(ESME)!.history.at(-1)!.note).toMatch(/retried CS06 .* not used to clear Suspended/);
    // The SR 11.2 read MP105 adopts still clears it.
    track([ecs52Response(ESME, 8n, '00000002')], t);
    expect(t.state(ESME)!.lastReconciliation).toMatchObject({ via: 'SR 11.2 ECS52', recovered: true });
    // The response to the first (not retried) CS06 is not affected by the option.
    const u = track([cs06Command(ESME, 3n, H2), cs06Command(ESME, 7n, H2), cs06Response(ESME, 3n, 0, '00000002')]);
    expect(u.state(ESME)).toMatchObject({ status: 'running', lastReconciliation: { via: 'CS06 response', recovered: true } });
  });

  it('MP105: opted in, a retried SR 11.3 response shows the version and clears Suspended, recorded as a retry', () => {
    const t = track([cs06Command(ESME, 3n, H2), cs06Command(ESME, 7n, H2)], new FirmwareTracker({ devices: registry, retriedCs06Reconciles: true }));
    expect(t.state(ESME)).toMatchObject({ status: 'suspended', outstandingCommands: [3n, 7n] });
    track([cs06Response(ESME, 7n, 0, '00000002')], t);
    expect(t.state(ESME)!.lastReconciliation).toMatchObject({ via: 'CS06 retry response', recovered: true, counter: 7n });
    expect(t.state(ESME)!.status).toBe('running');
  });

  it('MP105: a malformed firmware payload raises GbcsDecodeError at the frame offset and changes nothing', () => {
    const t = track([cs06Command(ESME, 3n, H2)]);
    const bad = encodeFrame({ ...cs06Response(ESME, 3n, 0, '00000002'), content: Uint8Array.from([0x30, 0x09, 0x02, 0x01, 0x00, 0x04, 0x05, 1, 2, 3, 4]) });
    const f = decodeFrame(bad);
    try {
      t.consume(f);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(GbcsDecodeError);
      expect((e as GbcsDecodeError).offset).toBeGreaterThanOrEqual(f.layout.content);
      expect((e as GbcsDecodeError).offset).toBeLessThanOrEqual(f.layout.content + f.content.length);
    }
    expect(t.state(ESME)!.status).toBe('suspended');
  });

  it('MP105: truncated or corrupted firmware payloads never crash the tracker (bounded fuzz)', () => {
    const day = scriptedDay(4, 99);
    let seed = 5;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) % 100000) / 100000;
    let decodeErrors = 0;
    for (let i = 0; i < 1500; i++) {
      const f = decodeFrame(day.frames[i % day.frames.length]!);
      const content = f.content.slice(0, Math.floor(rnd() * (f.content.length + 1)));
      for (let j = 0; j < 2; j++) if (content.length) content[Math.floor(rnd() * content.length)] = Math.floor(rnd() * 256);
      const mutated = decodeFrame(
        encodeFrame({
          kind: f.kind, cra: f.cra, originatorCounter: f.originatorCounter, originator: f.originator, recipient: f.recipient,
          messageCode: f.messageCode, content, signatureState: f.signatureState, signature: f.signature, mac: f.mac,
        }),
      );
      try {
        new FirmwareTracker().consume(mutated);
      } catch (e) {
        expect(e).toBeInstanceOf(GbcsDecodeError);
        decodeErrors++;
      }
    }
    expect(decodeErrors).toBeGreaterThan(100);
  });

  it('MP105: replaying a scripted day with ~20% of SR 11.3 responses lost, every device ends in the right state', () => {
    const day = scriptedDay(40);
    expect(day.lostResponses / day.cs06Commands).toBeGreaterThan(0.08);
    // The day includes the retried-CS06 route, which is opt-in (MP105).
    const t = new FirmwareTracker({ devices: day.registry, retriedCs06Reconciles: true });
    for (const bytes of day.frames) t.consume(decodeFrame(bytes));
    expect(day.expected.size).toBe(day.devices.length);
    const vias = new Set<string>();
    for (const d of day.devices) {
      const want = day.expected.get(d.eui)!;
      const got = t.state(d.eui)!;
      expect({ eui: d.eui, status: got.status, runningVersion: got.runningVersion }).toEqual({ eui: d.eui, status: want.status, runningVersion: want.runningVersion });
      expect(got.lastReconciliation?.via).toBe(want.via);
      if (want.recovered !== undefined) expect(got.lastReconciliation?.recovered).toBe(want.recovered);
      vias.add(want.via!);
    }
    // The day exercises every route out of Suspended.
    expect([...vias].sort()).toEqual(
      ['CS06 response', 'CS06 retry response', 'SR 11.2 CS08', 'SR 11.2 ECS52', 'SR 11.2 GCS38', 'alert 0x00CA 8F66'].sort(),
    );
    expect(t.states().some((s) => s.status === 'suspended')).toBe(false);
    expect(t.notes.some((n) => n.messageCode === 0x005e)).toBe(true);
  });

  it('MP105: the committed scripted-day fixture (test/fixtures/fw-day.hex) is what the script generates', () => {
    const text = dayAsHexLines(scriptedDay(5, 7));
    const path = new URL('./fixtures/fw-day.hex', import.meta.url);
    if (process.env.GBCS_WRITE_FIXTURES) writeFileSync(path, text);
    expect(readFileSync(path, 'utf8')).toBe(text);
  });
});

describe('MP105 tracker inputs: ECS52 from a Comms Hub, DCC alert N52', () => {
  const CHF = '00db1234567890c0';
  const withChf = [...registry, { eui: CHF, deviceType: 'CHF' as const }];

  it('MP105: ECS52 ("Read ESME/Comms Hub Firmware Version") is accepted from a Comms Hub', () => {
    const t = track([ecs52Response(CHF, 1n, '00000001'), cs06Command(CHF, 3n, H2), ecs52Response(CHF, 5n, '00000002')], new FirmwareTracker({ devices: withChf }));
    expect(t.state(CHF)).toMatchObject({ deviceType: 'CHF', status: 'running', runningVersion: '00000002', lastReconciliation: { via: 'SR 11.2 ECS52', outcome: 'activated' } });
    // Still refused from a device it does not read.
    const u = track([cs06Command(GSME, 3n, H2), ecs52Response(GSME, 5n, '00000002')], new FirmwareTracker({ devices: withChf }));
    expect(u.state(GSME)!.status).toBe('suspended');
    expect(u.notes.at(-1)!.note).toMatch(/ECS52 .* a GSME/);
  });

  it('MP105: DCC alert N52 (GSME firmware version mismatch) marks the GSME version stale until a GCS38 read', () => {
    const t = track([gcs38Response(GSME, 1n, '00000001'), cs06Command(GSME, 3n, H2)]);
    t.consumeDccAlert({ code: 'N52', deviceId: '00-DB-12-34-56-78-90-A1', firmwareVersion: '0000000A' });
    expect(t.state(GSME)).toMatchObject({ status: 'suspended', versionMismatch: { version: '0000000a' } });
    expect(t.state(GSME)!.history.at(-1)!.note).toMatch(/N52: GSME firmware version mismatch \(reported 0000000a\)/);
    track([gcs38Response(GSME, 5n, '00000002')], t);
    expect(t.state(GSME)!.versionMismatch).toBeUndefined();
    expect(t.state(GSME)).toMatchObject({ status: 'running', runningVersion: '00000002' });
  });

  it('MP105: DCC alert N52 for a device that is not a GSME, a bad device id or another code is noted and ignored', () => {
    const t = new FirmwareTracker({ devices: registry });
    t.consumeDccAlert({ code: 'N52', deviceId: ESME });
    t.consumeDccAlert({ code: 'N52', deviceId: 'not an eui' });
    t.consumeDccAlert({ code: 'N12', deviceId: GSME });
    expect(t.states()).toEqual([]);
    expect(t.notes.map((n) => n.note)).toEqual([expect.stringMatching(/a ESME: N52 is about a GSME/), expect.stringMatching(/not an EUI-64/), expect.stringMatching(/N12: not a firmware lifecycle input/)]);
  });
});
