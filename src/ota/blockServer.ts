// A ZigBee OTA server for one image (GBCS.md 5.6): answers Query Next Image, Image Block and
// Upgrade End requests for any offset and maximum data size, from memory (blocks are views) or
// from a file (one read per block, so memory does not grow with the image).
//
// Decisions (the ZigBee text leaves these to the server):
//  - a request naming another manufacturer/image type/version gets NO_IMAGE_AVAILABLE;
//  - an offset at or past the end, or a maximum data size of 0, gets MALFORMED_COMMAND;
//  - the block is min(requested max, server max, bytes left); the server max defaults to 255.
import type { FileHandle } from 'node:fs/promises';
import { requireNodeBuiltin } from '../platform.js';
import { GbcsDecodeError } from '../errors.js';
import { parseOtaHeader, OTA_HEADER_FIXED_LENGTH } from './image.js';
import { ZCL_OTA_STATUS, decodeZclOta, encodeZclOta, type ImageId, type ZclOtaCommand } from './zclOta.js';

export interface BlockSource {
  readonly size: number;
  read(offset: number, length: number): Uint8Array | Promise<Uint8Array>;
  close?(): Promise<void>;
}

export function memorySource(image: Uint8Array): BlockSource {
  return { size: image.length, read: (o, n) => image.subarray(o, o + n) };
}

export async function fileSource(path: string): Promise<BlockSource> {
  const fh: FileHandle = await requireNodeBuiltin<typeof import('node:fs/promises')>('node:fs/promises', 'fileSource').open(path, 'r');
  const size = (await fh.stat()).size;
  return {
    size,
    async read(offset, length) {
      const buf = new Uint8Array(Math.max(0, Math.min(length, size - offset)));
      let got = 0;
      while (got < buf.length) {
        const { bytesRead } = await fh.read(buf, got, buf.length - got, offset + got);
        if (bytesRead === 0) throw new Error(`image file shrank while serving (at byte ${offset + got})`);
        got += bytesRead;
      }
      return buf;
    },
    close: () => fh.close(),
  };
}

export interface WaitForData {
  /** UTC seconds now and when the client should ask again. */
  readonly currentTime: number;
  readonly requestTime: number;
  readonly minimumBlockPeriod?: number;
}

export interface BlockServerOptions {
  /** Image identity served; read from the image's OTA header when omitted. */
  readonly imageId?: ImageId;
  /** Largest block the server sends (1..255). */
  readonly maxDataSize?: number;
  /** Returns WAIT_FOR_DATA parameters to make the client back off, or undefined to serve. */
  readonly throttle?: (req: Extract<ZclOtaCommand, { command: 'image-block-request' }>) => WaitForData | undefined;
  /** UTC seconds (ZigBee time) used in Upgrade End responses; default now. */
  readonly now?: () => number;
  /** Seconds after `now` at which the client should upgrade (0 = now; 0xFFFFFFFF = wait). */
  readonly upgradeDelay?: number;
}

export class BlockServer {
  readonly imageId: ImageId;
  private aborted = false;
  served = 0;
  bytesServed = 0;

  private constructor(
    readonly source: BlockSource,
    imageId: ImageId,
    private readonly options: BlockServerOptions,
  ) {
    this.imageId = imageId;
    const m = options.maxDataSize ?? 255;
    if (!Number.isInteger(m) || m < 1 || m > 255) throw new RangeError(`maxDataSize must be 1..255, got ${m}`);
  }

  static async create(source: BlockSource, options: BlockServerOptions = {}): Promise<BlockServer> {
    let id = options.imageId;
    if (!id) {
      const head = await source.read(0, OTA_HEADER_FIXED_LENGTH);
      const h = parseOtaHeader(head.length >= 8 ? (await source.read(0, Math.max(OTA_HEADER_FIXED_LENGTH, head[6]! | (head[7]! << 8)))) : head);
      id = { manufacturerCode: h.manufacturerCode, imageType: h.imageType, fileVersion: h.fileVersion };
    }
    return new BlockServer(source, id, options);
  }

  static fromImage(image: Uint8Array, options?: BlockServerOptions): Promise<BlockServer> {
    return BlockServer.create(memorySource(image), options);
  }

  static async fromFile(path: string, options?: BlockServerOptions): Promise<BlockServer> {
    return BlockServer.create(await fileSource(path), options);
  }

  /** From now on every Image Block Request is answered with ABORT. */
  abort(): void {
    this.aborted = true;
  }

  private matches(r: ImageId): boolean {
    return r.manufacturerCode === this.imageId.manufacturerCode && r.imageType === this.imageId.imageType && r.fileVersion === this.imageId.fileVersion;
  }

  private now(): number {
    return this.options.now?.() ?? Math.floor(Date.now() / 1000);
  }

  queryNextImage(req: Extract<ZclOtaCommand, { command: 'query-next-image-request' }>): ZclOtaCommand {
    const offer =
      req.manufacturerCode === this.imageId.manufacturerCode && req.imageType === this.imageId.imageType && req.fileVersion !== this.imageId.fileVersion;
    return offer
      ? { command: 'query-next-image-response', status: 0, ...this.imageId, imageSize: this.source.size }
      : { command: 'query-next-image-response', status: ZCL_OTA_STATUS.NO_IMAGE_AVAILABLE };
  }

  async imageBlock(req: Extract<ZclOtaCommand, { command: 'image-block-request' }>): Promise<ZclOtaCommand> {
    if (this.aborted) return { command: 'image-block-response', status: ZCL_OTA_STATUS.ABORT };
    if (!this.matches(req)) return { command: 'image-block-response', status: ZCL_OTA_STATUS.NO_IMAGE_AVAILABLE };
    if (req.fileOffset >= this.source.size || req.maxDataSize === 0) return { command: 'image-block-response', status: ZCL_OTA_STATUS.MALFORMED_COMMAND };
    const wait = this.options.throttle?.(req);
    if (wait) return { command: 'image-block-response', status: ZCL_OTA_STATUS.WAIT_FOR_DATA, ...wait };
    const n = Math.min(req.maxDataSize, this.options.maxDataSize ?? 255, this.source.size - req.fileOffset);
    const data = await this.source.read(req.fileOffset, n);
    this.served++;
    this.bytesServed += data.length;
    return { command: 'image-block-response', status: 0, ...this.imageId, fileOffset: req.fileOffset, data };
  }

  upgradeEnd(req: Extract<ZclOtaCommand, { command: 'upgrade-end-request' }>): ZclOtaCommand | undefined {
    // Only a successful download is answered with an Upgrade End Response; on an error status
    // the client gives up and the server sends nothing (a default response at most).
    if (req.status !== ZCL_OTA_STATUS.SUCCESS || !this.matches(req)) return undefined;
    const now = this.now();
    const delay = this.options.upgradeDelay ?? 0;
    return { command: 'upgrade-end-response', ...this.imageId, currentTime: now, upgradeTime: delay === 0xffffffff ? delay : now + delay };
  }

  /** Decodes a client frame and returns the encoded reply (same sequence number), or undefined. */
  async handle(frame: Uint8Array): Promise<Uint8Array | undefined> {
    const f = decodeZclOta(frame);
    let reply: ZclOtaCommand | undefined;
    switch (f.command.command) {
      case 'query-next-image-request':
        reply = this.queryNextImage(f.command);
        break;
      case 'image-block-request':
        reply = await this.imageBlock(f.command);
        break;
      case 'upgrade-end-request':
        reply = this.upgradeEnd(f.command);
        break;
      default:
        throw new GbcsDecodeError('zcl-ota-command', 2, 'a client request the block server answers (query next image, image block, upgrade end)', f.command.command);
    }
    return reply && encodeZclOta(reply, { sequence: f.sequence });
  }

  async close(): Promise<void> {
    await this.source.close?.();
  }
}
