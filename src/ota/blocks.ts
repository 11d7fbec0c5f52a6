// Cutting an image into transfer blocks. Blocks are views of the image (subarray): cutting a
// 256 MiB image allocates block descriptors only, never image bytes.

export interface ImageBlock {
  /** Block number, from 0 (DLMS IC 18 numbering). */
  readonly index: number;
  /** Offset of the block's first byte in the whole file (ZigBee OTA offsets index the file). */
  readonly offset: number;
  /** View of the image bytes. */
  readonly data: Uint8Array;
}

function checkBlockSize(blockSize: number): void {
  if (!Number.isInteger(blockSize) || blockSize < 1) throw new RangeError(`block size must be a positive integer, got ${blockSize}`);
}

/** ⌈size / blockSize⌉ (GBCS.md 5.7); 0 for an empty image. */
export function blockCount(size: number, blockSize: number): number {
  checkBlockSize(blockSize);
  return Math.ceil(size / blockSize);
}

/** Block `index` of `image`; the last block may be short. */
export function imageBlock(image: Uint8Array, index: number, blockSize: number): ImageBlock {
  const n = blockCount(image.length, blockSize);
  if (!Number.isInteger(index) || index < 0 || index >= n) throw new RangeError(`block ${index} is outside 0..${n - 1}`);
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
