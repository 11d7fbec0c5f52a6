// GBT reassembly (GBCS.md section 2): collects the blocks of many conversations at once,
// in any order, and yields each GBCS message once blocks 1..N (N = the block flagged
// 'last') are all present. Every push returns a result record; conversations that are
// dropped (expiry, size limit, flush) come back with the data they held, so nothing
// received is lost silently.
import { toBytes, type BinaryInput } from '../bytes.js';
import { decodeFrame } from '../decode.js';
import { GbcsDecodeError } from '../errors.js';
import { GbcsFrame, type Cra } from '../frame.js';

/** Conversation identity: originator, recipient, CRA flag and the full 64-bit counter. */
export interface GbtConversationKey {
  readonly originator: string;
  readonly recipient: string;
  readonly cra: Cra;
  readonly originatorCounter: bigint;
  /** `originator/recipient/cra/counter` (readable; unique per conversation). */
  readonly id: string;
}

export type GbtErrorCode =
  | 'gbt-not-a-segment'
  | 'gbt-block-number'
  | 'gbt-conflicting-duplicate'
  | 'gbt-second-last-block'
  | 'gbt-block-after-last'
  | 'gbt-routing-mismatch'
  | 'gbt-message-too-large'
  | 'gbt-too-many-conversations'
  | 'gbt-buffer-full'
  | 'gbt-expired'
  | 'gbt-incomplete'
  | 'gbt-reassembled-invalid'
  | 'gbt-message-mismatch';

/**
 * A block stream problem. It is a GbcsDecodeError (same `code`/`offset`/`expected`), so
 * one catch handles all malformed input; `offset` points into the offending segment
 * (block number, block data...) or is -1 for conversation-level events (expiry, flush).
 */
export class GbtReassemblyError extends GbcsDecodeError {
  declare readonly code: GbtErrorCode;
  readonly key: GbtConversationKey | undefined;
  readonly blockNumber: number | undefined;
  /** Underlying decode error (for 'gbt-reassembled-invalid'). */
  override readonly cause: GbcsDecodeError | undefined;

  constructor(code: GbtErrorCode, offset: number, expected: string, opts: { key?: GbtConversationKey; blockNumber?: number; detail?: string; cause?: GbcsDecodeError } = {}) {
    super(code, offset, expected, opts.detail);
    const where = opts.key ? `GBT conversation ${opts.key.id}${opts.blockNumber !== undefined ? ` block ${opts.blockNumber}` : ''}` : 'GBT';
    this.message = `${where}: ${code}: expected ${expected}${opts.detail ? ` (${opts.detail})` : ''}${offset >= 0 ? ` [segment byte ${offset}]` : ''}`;
    this.key = opts.key;
    this.blockNumber = opts.blockNumber;
    this.cause = opts.cause;
  }
}

/** Inclusive range of block numbers not received. */
export type GbtGap = readonly [from: number, to: number];

/** A snapshot of one open conversation. */
export interface GbtConversationState {
  readonly key: GbtConversationKey;
  readonly messageCode: number;
  /** Block numbers received, ascending. */
  readonly received: number[];
  /** Missing block numbers: up to the last block when known, else up to the highest received. */
  readonly gaps: GbtGap[];
  /** Number of the block flagged 'last', once it has arrived. */
  readonly lastBlock: number | undefined;
  /** Block data bytes held. */
  readonly bytes: number;
  readonly firstSeen: number;
  readonly lastActivity: number;
}

/** A conversation dropped without completing, with everything it had received. */
export interface GbtDiscarded extends GbtConversationState {
  readonly error: GbtReassemblyError;
  /** Block data by block number (copies owned by the caller now). */
  readonly blocks: ReadonlyMap<number, Uint8Array>;
}

interface ResultBase {
  readonly key: GbtConversationKey | undefined;
  /** Conversations that expired before this push was handled (usually empty). */
  readonly expired: readonly GbtDiscarded[];
}

export type GbtPushResult =
  | (ResultBase & { readonly status: 'accepted'; readonly key: GbtConversationKey; readonly blockNumber: number })
  | (ResultBase & { readonly status: 'duplicate'; readonly key: GbtConversationKey; readonly blockNumber: number; readonly completed: boolean })
  | (ResultBase & { readonly status: 'acknowledgement'; readonly key: GbtConversationKey; readonly blockNumberAck: number; readonly window: number })
  | (ResultBase & {
      readonly status: 'complete';
      readonly key: GbtConversationKey;
      /** The reassembled GBCS message (a fresh buffer). */
      readonly message: Uint8Array;
      readonly frame: GbcsFrame;
      readonly blocks: number;
    })
  | (ResultBase & {
      readonly status: 'rejected';
      readonly error: GbtReassemblyError;
      /** The conversation, when the error ended it (its data is here). */
      readonly discarded?: GbtDiscarded;
      /** Reassembled bytes, for 'gbt-reassembled-invalid' and 'gbt-message-mismatch'. */
      readonly message?: Uint8Array;
    });

export interface GbtReassemblerOptions {
  /** Largest reassembled message in bytes (default 1 MiB). */
  readonly maxMessageSize?: number;
  /** Most conversations open at once (default 256). */
  readonly maxConversations?: number;
  /** Block data held across all open conversations (default 16 MiB). */
  readonly maxBufferedBytes?: number;
  /** A conversation with no new block for this long is dropped (default 300 000 ms). */
  readonly expiryMs?: number;
  /** Clock in milliseconds (default Date.now); inject one for tests or simulated time. */
  readonly now?: () => number;
}

export const GBT_DEFAULTS = {
  maxMessageSize: 1 << 20,
  maxConversations: 256,
  maxBufferedBytes: 16 << 20,
  expiryMs: 300_000,
} as const;

interface Conversation {
  readonly key: GbtConversationKey;
  /** Binary routing key (see routingKey). */
  readonly mapKey: string;
  readonly messageCode: number;
  readonly blocks: Map<number, Uint8Array>;
  last: number | undefined;
  maxBlock: number;
  bytes: number;
  readonly firstSeen: number;
  lastActivity: number;
}

const NONE: readonly GbtDiscarded[] = Object.freeze([]);

/**
 * Map key of a frame's conversation: CRA ‖ counter ‖ 08 ‖ originator ‖ 08 ‖ recipient,
 * contiguous in every GBCS header (27 bytes), taken as a latin1 string: no hex or
 * bigint formatting per block.
 */
function routingKey(frame: GbcsFrame): string {
  const c = frame.layout.counter;
  return String.fromCharCode.apply(null, frame.bytes.subarray(c - 1, c + 26) as unknown as number[]);
}

function keyOf(frame: GbcsFrame): GbtConversationKey {
  const { originator, recipient, originatorCounter } = frame;
  return { originator, recipient, cra: frame.cra, originatorCounter, id: `${originator}/${recipient}/${frame.cra}/${originatorCounter}` };
}

function gapsOf(c: Conversation): GbtGap[] {
  const top = c.last ?? c.maxBlock;
  const gaps: [number, number][] = [];
  let start = 0;
  for (let n = 1; n <= top; n++) {
    if (!c.blocks.has(n)) {
      if (start === 0) start = n;
    } else if (start !== 0) {
      gaps.push([start, n - 1]);
      start = 0;
    }
  }
  if (start !== 0) gaps.push([start, top]);
  return gaps;
}

function stateOf(c: Conversation): GbtConversationState {
  return {
    key: c.key,
    messageCode: c.messageCode,
    received: [...c.blocks.keys()].sort((a, b) => a - b),
    gaps: gapsOf(c),
    lastBlock: c.last,
    bytes: c.bytes,
    firstSeen: c.firstSeen,
    lastActivity: c.lastActivity,
  };
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function positive(name: string, v: number | undefined, dflt: number): number {
  if (v === undefined) return dflt;
  if (!(typeof v === 'number' && v > 0 && Number.isFinite(v))) throw new RangeError(`GbtReassembler ${name} must be a positive number, got ${v}`);
  return v;
}

/**
 * Reassembles GBT segments from any number of interleaved conversations.
 *
 * `push` throws only when its input is not a GBCS frame at all (the GbcsDecodeError of
 * `decodeFrame`); every block-stream problem is a `rejected` result carrying a
 * GbtReassemblyError. Policies:
 * - identical duplicates are ignored (`duplicate`), also after the message completed
 *   (completed conversations are remembered until they expire);
 * - a duplicate with different data or a different 'last' flag is rejected and the first
 *   copy kept: only the message's signature/MAC can tell which copy was genuine;
 * - a second 'last' block, or a block numbered above the last one, is rejected;
 * - a block that would make the message exceed `maxMessageSize` ends the conversation
 *   (it can never complete), returning what it held in `discarded`;
 * - a block that would exceed `maxBufferedBytes`, or that opens a conversation beyond
 *   `maxConversations`, is rejected without touching the open conversations;
 * - conversations idle for `expiryMs` are dropped and returned in `expired` of the next
 *   push (or by `expire()`), with their gaps and data.
 */
export class GbtReassembler {
  readonly maxMessageSize: number;
  readonly maxConversations: number;
  readonly maxBufferedBytes: number;
  readonly expiryMs: number;
  readonly #now: () => number;
  // Both maps are kept in least-recently-active order (re-inserted on activity), so
  // expiry only looks at the front.
  readonly #open = new Map<string, Conversation>();
  readonly #done = new Map<string, Conversation>();
  #buffered = 0;

  constructor(options: GbtReassemblerOptions = {}) {
    this.maxMessageSize = positive('maxMessageSize', options.maxMessageSize, GBT_DEFAULTS.maxMessageSize);
    this.maxConversations = positive('maxConversations', options.maxConversations, GBT_DEFAULTS.maxConversations);
    this.maxBufferedBytes = positive('maxBufferedBytes', options.maxBufferedBytes, GBT_DEFAULTS.maxBufferedBytes);
    this.expiryMs = positive('expiryMs', options.expiryMs, GBT_DEFAULTS.expiryMs);
    this.#now = options.now ?? Date.now;
  }

  /** Open (incomplete) conversations. */
  get openConversations(): number {
    return this.#open.size;
  }

  /** Block data bytes held by open conversations. */
  get bufferedBytes(): number {
    return this.#buffered;
  }

  /** Snapshots of the open conversations, least recently active first. */
  pending(): GbtConversationState[] {
    return [...this.#open.values()].map(stateOf);
  }

  /** Drops the conversations idle for `expiryMs` and returns them. */
  expire(): GbtDiscarded[] {
    const now = this.#now();
    const out: GbtDiscarded[] = [];
    for (const c of this.#open.values()) {
      if (now - c.lastActivity < this.expiryMs) break;
      out.push(this.#discard(c, new GbtReassemblyError('gbt-expired', -1, `the next block within ${this.expiryMs} ms`, { key: c.key, detail: `idle for ${now - c.lastActivity} ms` })));
    }
    for (const c of this.#done.values()) {
      if (now - c.lastActivity < this.expiryMs) break;
      this.#done.delete(c.mapKey);
    }
    return out;
  }

  /** Drops every open conversation (e.g. at end of input) and returns them with their gaps. */
  flush(): GbtDiscarded[] {
    const out: GbtDiscarded[] = [];
    for (const c of [...this.#open.values()]) {
      const s = stateOf(c);
      const what = s.lastBlock === undefined ? 'the last block' : `blocks ${s.gaps.map(([a, b]) => (a === b ? `${a}` : `${a}-${b}`)).join(', ')}`;
      out.push(this.#discard(c, new GbtReassemblyError('gbt-incomplete', -1, what, { key: c.key, detail: `${c.blocks.size} block(s) received` })));
    }
    this.#done.clear();
    return out;
  }

  /** Handles one segment (bytes, hex/base64 text or a decoded frame). */
  push(input: BinaryInput | GbcsFrame): GbtPushResult {
    const frame = input instanceof GbcsFrame ? input : decodeFrame(toBytes(input));
    const expired = this.#open.size > 0 || this.#done.size > 0 ? this.expire() : NONE;
    const expiredOrNone = expired.length === 0 ? NONE : expired;
    const g = frame.gbt;
    if (!g) {
      const error = new GbtReassemblyError('gbt-not-a-segment', 0, 'a GBT segment (DD 09 ...)', { detail: `got a ${frame.kind} frame` });
      return { status: 'rejected', key: undefined, error, expired: expiredOrNone };
    }
    const mapKey = routingKey(frame);
    const apdu = frame.layout.gbtApdu;
    const n = g.blockNumber;
    let c = this.#open.get(mapKey);
    const done = c ? undefined : this.#done.get(mapKey);
    const key: GbtConversationKey = (c ?? done)?.key ?? keyOf(frame);
    const reject = (code: GbtErrorCode, offset: number, expected: string, detail?: string): GbtPushResult => ({
      status: 'rejected',
      key,
      error: new GbtReassemblyError(code, offset, expected, { key, blockNumber: n, detail }),
      expired: expiredOrNone,
    });

    if (g.blockData.length === 0) {
      return { status: 'acknowledgement', key, blockNumberAck: g.blockNumberAck, window: g.window, expired: expiredOrNone };
    }
    if (n === 0) return reject('gbt-block-number', apdu + 2, 'block number >= 1 (the first block is 1)');
    const conv = c ?? done;
    if (conv) {
      if (frame.messageCode !== conv.messageCode) {
        return reject('gbt-routing-mismatch', frame.layout.otherInformation, `message code 0x${conv.messageCode.toString(16).padStart(4, '0')} as in block(s) already received`, `got 0x${frame.messageCode.toString(16).padStart(4, '0')}`);
      }
      const prev = conv.blocks.get(n);
      if (prev) {
        const wasLast = conv.last === n;
        if (wasLast === g.lastBlock && sameBytes(prev, g.blockData)) {
          return { status: 'duplicate', key, blockNumber: n, completed: done !== undefined, expired: expiredOrNone };
        }
        return wasLast !== g.lastBlock
          ? reject('gbt-conflicting-duplicate', apdu + 1, `block-control 'last' ${wasLast ? 'set' : 'clear'} as in the first copy of block ${n}`)
          : reject('gbt-conflicting-duplicate', frame.layout.blockData, `block data identical to the first copy of block ${n}`, `${prev.length} bytes first, ${g.blockData.length} now; first copy kept`);
      }
      if (g.lastBlock && conv.last !== undefined) {
        return reject('gbt-second-last-block', apdu + 1, `one 'last' block per message (block ${conv.last} was already flagged last)`);
      }
      if (conv.last !== undefined && n > conv.last) {
        return reject('gbt-block-after-last', apdu + 2, `block number <= ${conv.last} (the last block)`);
      }
      if (g.lastBlock && n < conv.maxBlock) {
        return reject('gbt-block-after-last', apdu + 2, `the last block to be numbered >= ${conv.maxBlock} (the highest block received)`);
      }
      if (done) return reject('gbt-block-after-last', apdu + 2, 'no new block for a message already reassembled');
    }
    const size = g.blockData.length;
    if (this.#buffered + size > this.maxBufferedBytes) {
      return reject('gbt-buffer-full', frame.layout.blockData, `at most ${this.maxBufferedBytes} bytes buffered across conversations`, `${this.#buffered} held; retry once conversations complete`);
    }
    if (!c) {
      if (this.#open.size >= this.maxConversations) {
        return reject('gbt-too-many-conversations', 0, `at most ${this.maxConversations} open conversations`);
      }
      const now = this.#now();
      c = { key, mapKey, messageCode: frame.messageCode, blocks: new Map(), last: undefined, maxBlock: 0, bytes: 0, firstSeen: now, lastActivity: now };
      this.#open.set(mapKey, c);
    }
    if (c.bytes + size > this.maxMessageSize) {
      const error = new GbtReassemblyError('gbt-message-too-large', frame.layout.blockData, `a message of at most ${this.maxMessageSize} bytes`, {
        key,
        blockNumber: n,
        detail: `${c.bytes + size} bytes with block ${n}; conversation dropped`,
      });
      // This block is not part of what was held; the caller still has it in `input`.
      return { status: 'rejected', key, error, discarded: this.#discard(c, error), expired: expiredOrNone };
    }
    c.blocks.set(n, g.blockData.slice());
    c.bytes += size;
    this.#buffered += size;
    if (n > c.maxBlock) c.maxBlock = n;
    if (g.lastBlock) c.last = n;
    c.lastActivity = this.#now();
    this.#open.delete(mapKey);
    this.#open.set(mapKey, c);
    if (c.last === undefined || c.blocks.size !== c.last) return { status: 'accepted', key, blockNumber: n, expired: expiredOrNone };
    return this.#complete(c, expiredOrNone);
  }

  #complete(c: Conversation, expired: readonly GbtDiscarded[]): GbtPushResult {
    const message = new Uint8Array(c.bytes);
    let p = 0;
    for (let i = 1; i <= c.last!; i++) {
      const b = c.blocks.get(i)!;
      message.set(b, p);
      p += b.length;
    }
    this.#open.delete(c.mapKey);
    this.#buffered -= c.bytes;
    const key = c.key;
    let frame: GbcsFrame;
    try {
      frame = decodeFrame(message);
    } catch (e) {
      if (!(e instanceof GbcsDecodeError)) throw e;
      const error = new GbtReassemblyError('gbt-reassembled-invalid', -1, 'the reassembled bytes to be a GBCS message', { key, detail: e.message, cause: e });
      return { status: 'rejected', key, error, message, discarded: { ...stateOf(c), error, blocks: c.blocks }, expired };
    }
    this.#done.set(c.mapKey, c);
    while (this.#done.size > this.maxConversations) this.#done.delete(this.#done.keys().next().value!);
    const mismatch =
      frame.kind === 'gbt'
        ? 'a whole message, not another GBT segment'
        : routingKey(frame) !== c.mapKey
          ? `the routing of the GBT header (${key.id})`
          : frame.messageCode !== c.messageCode
            ? `message code 0x${c.messageCode.toString(16).padStart(4, '0')} as in the GBT header`
            : undefined;
    if (mismatch) {
      const error = new GbtReassemblyError('gbt-message-mismatch', -1, mismatch, { key, detail: `reassembled ${frame.kind} ${frame.originator}/${frame.recipient}/${frame.craFlag}/${frame.originatorCounter}` });
      return { status: 'rejected', key, error, message, expired };
    }
    return { status: 'complete', key, message, frame, blocks: c.last!, expired };
  }

  #discard(c: Conversation, error: GbtReassemblyError): GbtDiscarded {
    this.#open.delete(c.mapKey);
    this.#buffered -= c.bytes;
    return { ...stateOf(c), error, blocks: c.blocks };
  }
}
