// Internal (not re-exported): stages OTA frames for the core's batch decoder
// (assembly/otaDecode.ts) and runs it; zclOta.ts and dlmsImageTransfer.ts read the records.
import { GbcsDecodeError } from '../errors.js';
import type { WasmCore } from '../wasm/core.js';

/**
 * Copies frames [from, to) into the input region and runs the core over them (mode OD_*);
 * returns the index one past the last frame staged (fewer when the region is full).
 */
export function decodeOtaRecords(core: WasmCore, frames: readonly Uint8Array[], from: number, to: number, mode: number): number {
  if (core.u8.length === 0) core.refresh();
  let bytes = 0;
  let j = from;
  for (; j < to && j - from < core.maxBatch; j++) {
    const n = frames[j]!.length;
    if (bytes + n > core.inputCap) {
      if (j > from) break;
      if (core.reserve(n) !== 0) throw new GbcsDecodeError('input-too-large', 0, 'a frame smaller than 2 GiB', `${n} bytes`);
    }
    bytes += n;
  }
  const u8 = core.u8;
  const u32 = core.u32;
  const t = core.tableWord;
  let o = 0;
  for (let k = from; k < j; k++) {
    const f = frames[k]!;
    const n = f.length;
    if (n <= 32) for (let i = 0; i < n; i++) u8[core.inputPtr + o + i] = f[i]!;
    else u8.set(f, core.inputPtr + o);
    u32[t + 2 * (k - from)] = o;
    u32[t + 2 * (k - from) + 1] = n;
    o += n;
  }
  core.exports.decodeOtaFrames(j - from, mode);
  return j;
}

