// Cutting an image into transfer blocks. Blocks are views of the image (subarray): cutting a
// 256 MiB image allocates block descriptors only, never image bytes.

/** One block of an image: its index, offset and bytes. */
export interface ImageBlock {
  /** Block number, from 0 (DLMS IC 18 numbering). */
  readonly index: number;
  /** Offset of the block's first byte in the whole file (ZigBee OTA offsets index the file). */
  readonly offset: number;
  /** View of the image bytes. */
  readonly data: Uint8Array;
}

/**
 * A size, offset or count given to the OTA block functions that is not usable (negative, NaN,
 * fractional, too large). A RangeError with a stable `code` and the `field` named.
 */
export class OtaRangeError extends RangeError {
  override readonly name = 'OtaRangeError';
  readonly code = 'ota-range';
  constructor(
    readonly field: string,
    readonly value: unknown,
    expected: string,
  ) {
    super(`${field} must be ${expected}, got ${typeof value === 'number' || typeof value === 'bigint' ? String(value) : JSON.stringify(value)}`);
  }
}

/** Checks an integer argument in [min, max]; returns it. */
export function checkOtaInteger(field: string, value: unknown, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new OtaRangeError(field, value, `an integer in ${min}..${max}`);
  }
  return value;
}

function checkBlockSize(blockSize: number): void {
  checkOtaInteger('block size', blockSize, 1, 0x7fffffff);
}

/** ⌈size / blockSize⌉ (GBCS.md 5.7); 0 for an empty image. */
export function blockCount(size: number, blockSize: number): number {
  checkBlockSize(blockSize);
  return Math.ceil(size / blockSize);
}

/** Block `index` of `image`; the last block may be short. */
export function imageBlock(image: Uint8Array, index: number, blockSize: number): ImageBlock {
  const n = blockCount(image.length, blockSize);
  if (!Number.isInteger(index) || index < 0 || index >= n) throw new OtaRangeError('block index', index, `an integer in 0..${n - 1}`);
  const offset = index * blockSize;
  return { index, offset, data: image.subarray(offset, Math.min(offset + blockSize, image.length)) };
}

/** Every block of `image` in order, as views. */
export function* cutBlocks(image: Uint8Array, blockSize: number): Generator<ImageBlock> {
  const n = blockCount(image.length, blockSize);
  for (let i = 0; i < n; i++) {
    const offset = i * blockSize;
    yield { index: i, offset, data: image.subarray(offset, Math.min(offset + blockSize, image.length)) };
  }
}
