// A ZigBee OTA server for one image (GBCS.md 5.6): answers Query Next Image, Image Block and
// Upgrade End requests for any offset and maximum data size, from memory (blocks are views) or
// from a file (one read per block, so memory does not grow with the image).
//
// Decisions (the ZigBee text leaves these to the server; checked against zigbee-herdsman
// 10.9.5, the stack behind Zigbee2MQTT):
//  - Block size: at most DEFAULT_OTA_BLOCK_SIZE (50) bytes unless `maxDataSize` says
//    otherwise, so an Image Block Response fits one unfragmented APS frame: 17 bytes of ZCL
//    header and response fields + 50 = 67 bytes of APS payload, under the 82 bytes a
//    ZigBee PRO frame leaves with NWK security and the ~74 with APS security too (common
//    servers use 50-63). The block is min(request max, server max, bytes left); it never
//    exceeds the request's maximum, even for a source that returns more.
//  - An offset at or past the end, or a maximum data size of 0, is answered with a ZCL
//    Default Response MALFORMED_COMMAND (0x80), as common servers do, not with an Image
//    Block Response carrying status 0x80.
//  - A request naming another manufacturer/image type/version gets NO_IMAGE_AVAILABLE.
//  - Query Next Image offers the image only when its file version is newer than the
//    client's (`allowDowngrade` offers any other version) and the client's hardware
//    version, when it sends one, is inside the header's hardware version range.
//  - WAIT_FOR_DATA replies always carry the minimum block period (milliseconds, default 0).
//  - Upgrade End Response times are ZigBee UTC time (seconds since 2000-01-01 00:00 UTC):
//    current time = now, upgrade time = now + `upgradeDelay` (0xFFFFFFFF = wait for a
//    later command). Absolute times rather than current time 0 with a relative upgrade
//    time, since GBCS devices keep network time.
//  - `handle` never throws on what a client may send: a Default Response from the client is
//    ignored; an Image Page Request is refused with a Default Response
//    UNSUP_CLUSTER_COMMAND (0x81) (clients then fall back to Image Block Requests); a
//    cluster command that does not decode gets a Default Response MALFORMED_COMMAND; a frame
//    without a readable ZCL header, or sent in the server-to-client direction, gets no reply.
//  - Caller data is never modified: requests are decoded from views and EUI-64s reversed on
//    copies.
import type { FileHandle } from 'node:fs/promises';
import { requireNodeBuiltin } from '../platform.js';
import { GbcsDecodeError } from '../errors.js';
import { checkOtaInteger } from './blocks.js';
import { encodeImageBlockResponses, type BlockResponseItem } from './blockStream.js';
import { parseOtaHeader, OTA_HEADER_FIXED_LENGTH } from './image.js';
import {
  ZCL_OTA_STATUS,
  ZCL_OTA_COMMANDS,
  ZCL_UNSUP_CLUSTER_COMMAND,
  decodeZclOta,
  decodeZclOtaBatch,
  encodeZclOta,
  zigbeeUtcTime,
  type ImageId,
  type ZclOtaCommand,
  type ZclOtaFrame,
} from './zclOta.js';

/** Default and documented largest block the server sends (see the file header). */
export const DEFAULT_OTA_BLOCK_SIZE = 50;

/** Random-access source of image bytes for the block server. */
export interface BlockSource {
  readonly size: number;
  /** Reads `length` bytes from `offset`. */
  read(offset: number, length: number): Uint8Array | Promise<Uint8Array>;
  /** Releases the source (closes a file). */
  close?(): Promise<void>;
}

/** A block source over bytes held in memory. */
export function memorySource(image: Uint8Array): BlockSource {
  return { size: image.length, read: (o, n) => image.subarray(o, o + n) };
}

/** A block source reading from a file (Node only). */
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

/** A Wait For Data answer: the time now and when the client should ask again. */
export interface WaitForData {
  /** ZigBee UTC seconds now and when the client should ask again. */
  readonly currentTime: number;
  readonly requestTime: number;
  /** Milliseconds between Image Block Requests (default: the server's `minimumBlockPeriod`). */
  readonly minimumBlockPeriod?: number;
}

type Request<C extends ZclOtaCommand['command']> = Extract<ZclOtaCommand, { command: C }>;

/** Options of a block server (image identity, hardware versions, ...). */
export interface BlockServerOptions {
  /** Image identity served; read from the image's OTA header when omitted. */
  readonly imageId?: ImageId;
  /** Largest block the server sends (1..255, default DEFAULT_OTA_BLOCK_SIZE = 50). */
  readonly maxDataSize?: number;
  /** Returns WAIT_FOR_DATA parameters to make the client back off, or undefined to serve. */
  readonly throttle?: (req: Request<'image-block-request'>) => WaitForData | undefined;
  /** Minimum block period in milliseconds put in WAIT_FOR_DATA replies (default 0). */
  readonly minimumBlockPeriod?: number;
  /** ZigBee UTC time (seconds since 2000-01-01 UTC) for Upgrade End responses; default the clock. */
  readonly now?: () => number;
  /** Seconds after `now` at which the client should upgrade (0 = now; 0xFFFFFFFF = wait). */
  readonly upgradeDelay?: number;
  /** Offer the image to clients running a newer version too (default false: newer only). */
  readonly allowDowngrade?: boolean;
  /** Hardware versions the image is for; default the OTA header's range (none: any). */
  readonly hardwareVersions?: { readonly minimum: number; readonly maximum: number };
}

const MALFORMED = 0x80;

/** Sequence, direction and command id of a ZCL frame whose payload did not decode. */
function zclHeaderOf(frame: Uint8Array): { sequence: number; commandId: number; clusterSpecific: boolean; toClient: boolean; manufacturerSpecificCode?: number } | undefined {
  if (frame.length < 3) return undefined;
  const fc = frame[0]!;
  const ms = (fc & 0x04) !== 0;
  if (frame.length < (ms ? 5 : 3)) return undefined;
  const o = ms ? 3 : 1;
  return {
    sequence: frame[o]!,
    commandId: frame[o + 1]!,
    clusterSpecific: (fc & 0x03) === 0x01,
    toClient: (fc & 0x08) !== 0,
    ...(ms && { manufacturerSpecificCode: frame[1]! | (frame[2]! << 8) }),
  };
}

/** Serves an OTA image to ZigBee OTA clients (Query Next Image, Image Block, Upgrade End). */
export class BlockServer {
  readonly imageId: ImageId;
  /** Hardware version range served (from the header or the options), if any. */
  readonly hardwareVersions: { readonly minimum: number; readonly maximum: number } | undefined;
  readonly maxDataSize: number;
  private aborted = false;
  served = 0;
  bytesServed = 0;

  private constructor(
    readonly source: BlockSource,
    imageId: ImageId,
    hardwareVersions: { minimum: number; maximum: number } | undefined,
    private readonly options: BlockServerOptions,
  ) {
    this.imageId = imageId;
    this.hardwareVersions = hardwareVersions;
    this.maxDataSize = checkOtaInteger('maxDataSize', options.maxDataSize ?? DEFAULT_OTA_BLOCK_SIZE, 1, 255);
    checkOtaInteger('minimumBlockPeriod', options.minimumBlockPeriod ?? 0, 0, 0xffff);
    checkOtaInteger('upgradeDelay', options.upgradeDelay ?? 0, 0, 0xffffffff);
  }

  /** Creates a server for `source`; identity and hardware versions come from its OTA header unless given. */
  static async create(source: BlockSource, options: BlockServerOptions = {}): Promise<BlockServer> {
    let id = options.imageId;
    let hw = options.hardwareVersions;
    if (!id || !hw) {
      let h;
      try {
        const head = await source.read(0, OTA_HEADER_FIXED_LENGTH);
        h = parseOtaHeader(head.length >= 8 ? await source.read(0, Math.max(OTA_HEADER_FIXED_LENGTH, head[6]! | (head[7]! << 8))) : head);
      } catch (e) {
        // A source that is not an OTA file can still be served under a given identity.
        if (!id) throw e;
      }
      if (h) {
        id ??= { manufacturerCode: h.manufacturerCode, imageType: h.imageType, fileVersion: h.fileVersion };
        if (!hw && h.minimumHardwareVersion !== undefined) hw = { minimum: h.minimumHardwareVersion, maximum: h.maximumHardwareVersion! };
      }
    }
    return new BlockServer(source, id!, hw, options);
  }

  /** Creates a server for an image held in memory. */
  static fromImage(image: Uint8Array, options?: BlockServerOptions): Promise<BlockServer> {
    return BlockServer.create(memorySource(image), options);
  }

  /** Creates a server for an image file (Node only). */
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
    return this.options.now?.() ?? zigbeeUtcTime();
  }

  /** Answers a Query Next Image Request (offers the image when it fits the client). */
  queryNextImage(req: Request<'query-next-image-request'>): Request<'query-next-image-response'> {
    const id = this.imageId;
    const hw = this.hardwareVersions;
    const offer =
      req.manufacturerCode === id.manufacturerCode &&
      req.imageType === id.imageType &&
      (this.options.allowDowngrade ? req.fileVersion !== id.fileVersion : req.fileVersion < id.fileVersion) &&
      (hw === undefined || req.hardwareVersion === undefined || (req.hardwareVersion >= hw.minimum && req.hardwareVersion <= hw.maximum));
    return offer
      ? { command: 'query-next-image-response', status: 0, ...id, imageSize: this.source.size }
      : { command: 'query-next-image-response', status: ZCL_OTA_STATUS.NO_IMAGE_AVAILABLE };
  }

  /**
   * Answers an Image Block Request: a block, WAIT_FOR_DATA, ABORT, NO_IMAGE_AVAILABLE, or a
   * Default Response MALFORMED_COMMAND for an offset at/past the end or a maximum of 0.
   * Offsets and sizes that are not ZigBee field values (negative, NaN, > 0xFFFFFFFF / 255)
   * throw OtaRangeError.
   */
  async imageBlock(req: Request<'image-block-request'>): Promise<Request<'image-block-response' | 'default-response'>> {
    const offset = checkOtaInteger('fileOffset', req.fileOffset, 0, 0xffffffff);
    const max = checkOtaInteger('maxDataSize', req.maxDataSize, 0, 255);
    if (this.aborted) return { command: 'image-block-response', status: ZCL_OTA_STATUS.ABORT };
    if (!this.matches(req)) return { command: 'image-block-response', status: ZCL_OTA_STATUS.NO_IMAGE_AVAILABLE };
    if (offset >= this.source.size || max === 0) return { command: 'default-response', commandId: ZCL_OTA_COMMANDS['image-block-request'].id, status: MALFORMED };
    const wait = this.options.throttle?.(req);
    if (wait) {
      return {
        command: 'image-block-response',
        status: ZCL_OTA_STATUS.WAIT_FOR_DATA,
        currentTime: wait.currentTime,
        requestTime: wait.requestTime,
        minimumBlockPeriod: wait.minimumBlockPeriod ?? this.options.minimumBlockPeriod ?? 0,
      };
    }
    const n = Math.min(max, this.maxDataSize, this.source.size - offset);
    let data = await this.source.read(offset, n);
    if (data.length > n) data = data.subarray(0, n); // never more than allowed, whatever the source does
    this.served++;
    this.bytesServed += data.length;
    return { command: 'image-block-response', status: 0, ...this.imageId, fileOffset: offset, data };
  }

  /** Answers an Upgrade End Request (undefined when the client reported an error). */
  upgradeEnd(req: Request<'upgrade-end-request'>): Request<'upgrade-end-response'> | undefined {
    // Only a successful download is answered with an Upgrade End Response; on an error status
    // the client gives up and the server sends nothing (a default response at most).
    if (req.status !== ZCL_OTA_STATUS.SUCCESS || !this.matches(req)) return undefined;
    const now = this.now();
    const delay = this.options.upgradeDelay ?? 0;
    return { command: 'upgrade-end-response', ...this.imageId, currentTime: now, upgradeTime: delay === 0xffffffff ? delay : (now + delay) >>> 0 };
  }

  /** The reply to a decoded client frame, or undefined when none is due. */
  async reply(f: ZclOtaFrame): Promise<ZclOtaCommand | undefined> {
    switch (f.command.command) {
      case 'query-next-image-request':
        return this.queryNextImage(f.command);
      case 'image-block-request':
        return this.imageBlock(f.command);
      case 'upgrade-end-request':
        return this.upgradeEnd(f.command);
      case 'default-response':
        return undefined; // the client's Default Response: nothing to answer
      case 'image-page-request':
      case 'query-device-specific-file-request':
        return { command: 'default-response', commandId: ZCL_OTA_COMMANDS[f.command.command].id, status: ZCL_UNSUP_CLUSTER_COMMAND };
      default:
        return undefined; // server-to-client commands never reach a server's decode (direction bit)
    }
  }

  /**
   * Decodes a client frame and returns the encoded reply (same sequence number), or
   * undefined. Never throws on the frame's content (see the file header); the frame is not
   * modified.
   */
  async handle(frame: Uint8Array): Promise<Uint8Array | undefined> {
    let f: ZclOtaFrame;
    try {
      f = decodeZclOta(frame);
    } catch (e) {
      if (!(e instanceof GbcsDecodeError)) throw e;
      return this.malformed(frame);
    }
    const reply = await this.replyOrMalformed(f, frame);
    if (!reply) return undefined;
    const ms = reply.command === 'default-response' && f.manufacturerSpecificCode !== undefined ? { manufacturerSpecificCode: f.manufacturerSpecificCode } : {};
    return encodeZclOta(reply, { sequence: f.sequence, ...ms });
  }

  /**
   * Answers many client frames (issue 17): they are decoded in one WASM call per 8192 and
   * the Image Block Responses among the replies encoded in one more; other replies go
   * through encodeZclOta. Result i is what `handle(frames[i])` gives (views over shared
   * buffers); frames are not modified, and like `handle` this never throws on content.
   */
  async handleBatch(frames: readonly Uint8Array[]): Promise<(Uint8Array | undefined)[]> {
    const decoded = decodeZclOtaBatch(frames);
    const out: (Uint8Array | undefined)[] = new Array(frames.length).fill(undefined);
    const blocks: BlockResponseItem[] = [];
    const at: number[] = [];
    for (let i = 0; i < frames.length; i++) {
      const f = decoded[i]!;
      if (f instanceof GbcsDecodeError) {
        out[i] = this.malformed(frames[i]!);
        continue;
      }
      const reply = await this.replyOrMalformed(f, frames[i]!);
      if (!reply) continue;
      if (reply.command === 'image-block-response') {
        blocks.push({ sequence: f.sequence, response: reply as BlockResponseItem['response'] });
        at.push(i);
        continue;
      }
      const ms = reply.command === 'default-response' && f.manufacturerSpecificCode !== undefined ? { manufacturerSpecificCode: f.manufacturerSpecificCode } : {};
      out[i] = encodeZclOta(reply, { sequence: f.sequence, ...ms });
    }
    const encoded = encodeImageBlockResponses(blocks);
    for (let k = 0; k < at.length; k++) out[at[k]!] = encoded[k];
    return out;
  }

  /** The reply to a decoded frame; a request outside the ZigBee field ranges gets MALFORMED_COMMAND. */
  private async replyOrMalformed(f: ZclOtaFrame, frame: Uint8Array): Promise<ZclOtaCommand | undefined> {
    try {
      return await this.reply(f);
    } catch (e) {
      if (!(e instanceof RangeError)) throw e;
      return { command: 'default-response', commandId: frame[f.manufacturerSpecificCode !== undefined ? 4 : 2]!, status: MALFORMED };
    }
  }

  /** Default Response MALFORMED_COMMAND to a client cluster frame that did not decode (else nothing). */
  private malformed(frame: Uint8Array): Uint8Array | undefined {
    const h = zclHeaderOf(frame);
    if (!h || !h.clusterSpecific || h.toClient) return undefined;
    return encodeZclOta(
      { command: 'default-response', commandId: h.commandId, status: MALFORMED },
      { sequence: h.sequence, ...(h.manufacturerSpecificCode !== undefined && { manufacturerSpecificCode: h.manufacturerSpecificCode }) },
    );
  }

  /** Closes the source. */
  async close(): Promise<void> {
    await this.source.close?.();
  }
}
