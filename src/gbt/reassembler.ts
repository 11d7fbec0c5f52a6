// GBT reassembly (GBCS.md section 2): collects the blocks of many conversations at once,
// in any order, and yields each GBCS message once blocks 1..N (N = the block flagged
// 'last') are all present. Every push returns a result record (push never throws);
// conversations that are dropped (expiry, size limit, flush) come back with the data they
// held, so nothing received is lost silently.
//
// Conversation key (Decision, checked against Wireshark's GBCS dissector, tshark 4.0.17):
// Wireshark keys fragments on the originator's low 3 bytes + the originator counter's low
// byte (plus the transport addresses), ignoring recipient and CRA flag, and forgets a
// message once it completes. This codec keys on originator, recipient, CRA flag and the
// full 64-bit counter (a segment's bytes 2..28: CRA ‖ counter ‖ 08 ‖ originator ‖ 08 ‖
// recipient), so two messages Wireshark would mix up stay apart.
//
// Completed keys (Decision): a completed conversation is remembered (its message and
// block boundaries, not its blocks) until it expires, so that late identical copies of
// its blocks are reported as duplicates. Only identical copies are duplicates: a block
// that differs (data, 'last' flag or message code) for a completed key starts a new
// conversation under the same key, and its result says `keyReused: true` (in GBCS a
// reused originator counter is itself worth flagging; the RTDS corpus reuses counters
// across scenarios). Blocks of the new message that happened to equal the old message's
// blocks were reported as duplicates when they arrived: the new conversation starts with
// those copies (held provisionally: a later differing copy of the same block number
// replaces them, and a 'last' block drops provisional blocks numbered above it).
//
// Memory (issue 10 item 4): block data of an open conversation lives in one growable
// arena per conversation with a small index (no object per block). The buffer limit
// counts real cost: arena capacity + GBT_BLOCK_OVERHEAD bytes per block held +
// GBT_CONVERSATION_OVERHEAD per conversation. Completed conversations keep one copy of
// their message plus 4 bytes per block (+ GBT_CONVERSATION_OVERHEAD), counted against a
// second budget of the same size (oldest forgotten first). So the reassembler holds at most
// about 2 x maxBufferedBytes + maxConversations x ~1 KiB of heap, whatever the input.
import { toBytes, type BinaryInput } from '../bytes.js';
import { decodeFrame } from '../decode.js';
import { GbcsDecodeError } from '../errors.js';
import { GbcsFrame, type Cra, type GbtBlock } from '../frame.js';

/** Conversation identity: originator, recipient, CRA flag and the full 64-bit counter. */
export interface GbtConversationKey {
  readonly originator: string;
  readonly recipient: string;
  readonly cra: Cra;
  readonly originatorCounter: bigint;
  /** `originator/recipient/cra/counter` (readable; unique per conversation). */
  readonly id: string;
}

/** Why a GBT block was rejected. */
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
  /**
   * Underlying decode error: for 'gbt-reassembled-invalid', and for 'gbt-not-a-segment'
   * when the input did not decode as a frame (e.g. `key-info`, `block-data-length`).
   */
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
  /** The conversation reuses the key of a message completed earlier (with other bytes). */
  readonly keyReused: boolean;
}

/** A conversation dropped without completing, with everything it had received. */
export interface GbtDiscarded extends GbtConversationState {
  readonly error: GbtReassemblyError;
  /** Block data by block number, ascending (views of a buffer the reassembler no longer holds; built when first read). */
  readonly blocks: ReadonlyMap<number, Uint8Array>;
}

interface ResultBase {
  readonly key: GbtConversationKey | undefined;
  /** Conversations that expired before this push was handled (usually empty). */
  readonly expired: readonly GbtDiscarded[];
}

/** Outcome of pushing one GBT block: accepted, complete (with the message) or rejected. */
export type GbtPushResult =
  | (ResultBase & {
      readonly status: 'accepted';
      readonly key: GbtConversationKey;
      readonly blockNumber: number;
      /** Set on the block that opened a new conversation under a completed message's key. */
      readonly keyReused?: true;
    })
  | (ResultBase & { readonly status: 'duplicate'; readonly key: GbtConversationKey; readonly blockNumber: number; readonly completed: boolean })
  | (ResultBase & { readonly status: 'acknowledgement'; readonly key: GbtConversationKey; readonly blockNumberAck: number; readonly window: number })
  | (ResultBase & {
      readonly status: 'complete';
      readonly key: GbtConversationKey;
      /** The reassembled GBCS message (a fresh buffer). */
      readonly message: Uint8Array;
      readonly frame: GbcsFrame;
      readonly blocks: number;
      /** The message reuses the key (originator, recipient, CRA, counter) of a message completed earlier. */
      readonly keyReused: boolean;
    })
  | (ResultBase & {
      readonly status: 'rejected';
      readonly error: GbtReassemblyError;
      /** The conversation, when the error ended it (its data is here). */
      readonly discarded?: GbtDiscarded;
      /** Reassembled bytes, for 'gbt-reassembled-invalid' and 'gbt-message-mismatch'. */
      readonly message?: Uint8Array;
    });

/** Bounds for a GBT reassembler (message size, open conversations, ...). */
export interface GbtReassemblerOptions {
  /** Largest reassembled message in bytes (default 1 MiB). */
  readonly maxMessageSize?: number;
  /** Most conversations open at once (default 256); as many completed ones are remembered. */
  readonly maxConversations?: number;
  /**
   * Accounted cost held across all open conversations (default 16 MiB): arena capacity
   * plus GBT_BLOCK_OVERHEAD bytes per block. Completed conversations remembered for
   * duplicate detection have their own budget of the same size (message + 4 bytes per
   * block; the oldest is forgotten first).
   */
  readonly maxBufferedBytes?: number;
  /** A conversation with no new block for this long is dropped (default 300 000 ms). */
  readonly expiryMs?: number;
  /** Clock in milliseconds (default Date.now); inject one for tests or simulated time. */
  readonly now?: () => number;
}

/** Default bounds of a GBT reassembler. */
export const GBT_DEFAULTS = {
  maxMessageSize: 1 << 20,
  maxConversations: 256,
  maxBufferedBytes: 16 << 20,
  expiryMs: 300_000,
} as const;

/**
 * Bytes accounted per block held, on top of its data: the index entry (a Map slot, about
 * 30 bytes measured on V8) and its offset/length records (8 bytes, up to 16 with growth).
 */
export const GBT_BLOCK_OVERHEAD = 64;
/**
 * Bytes accounted per conversation besides its blocks (key, index, records, state objects;
 * about 1.2 KiB measured on V8), open or remembered after completion.
 */
export const GBT_CONVERSATION_OVERHEAD = 2048;

/** Block data of one open conversation: an arena plus block number -> (offset, length). */
class Arena {
  data: Uint8Array;
  used = 0;
  /** Block number -> record index into off/len (plain SMI arrays: no typed-array allocation per conversation). */
  readonly index = new Map<number, number>();
  readonly off: number[] = [];
  readonly len: number[] = [];

  constructor(first: number) {
    // Room for a few blocks of this size at once (most messages are a handful of blocks).
    this.data = new Uint8Array(Math.max(256, first * 4));
  }

  /** Accounted cost of a block of `size` bytes: new arena capacity and overhead. */
  costOf(size: number): number {
    const need = this.used + size;
    let cap = this.data.length;
    while (cap < need) cap *= 2;
    return cap - this.data.length + GBT_BLOCK_OVERHEAD;
  }

  get(n: number): Uint8Array | undefined {
    const r = this.index.get(n);
    return r === undefined ? undefined : this.data.subarray(this.off[r]!, this.off[r]! + this.len[r]!);
  }

  set(n: number, bytes: Uint8Array): void {
    const need = this.used + bytes.length;
    if (need > this.data.length) {
      let cap = this.data.length;
      while (cap < need) cap *= 2;
      const grown = new Uint8Array(cap);
      grown.set(this.data.subarray(0, this.used));
      this.data = grown;
    }
    this.index.set(n, this.off.length);
    this.off.push(this.used);
    this.len.push(bytes.length);
    this.data.set(bytes, this.used);
    this.used = need;
  }

  /** Forgets block `n` (its bytes stay in the arena until the conversation ends); returns its length. */
  delete(n: number): number {
    const r = this.index.get(n);
    if (r === undefined) return 0;
    this.index.delete(n);
    return this.len[r]!;
  }

  numbers(): number[] {
    return [...this.index.keys()].sort((a, b) => a - b);
  }

  /** The blocks as a Map of views, ascending. */
  toMap(): Map<number, Uint8Array> {
    const m = new Map<number, Uint8Array>();
    for (const n of this.numbers()) m.set(n, this.get(n)!);
    return m;
  }
}

interface Conversation {
  readonly key: GbtConversationKey;
  /** Binary routing key (see routingKey). */
  readonly mapKey: string;
  readonly messageCode: number;
  readonly blocks: Arena;
  /** Blocks copied from the completed message of the same key (see the file header). */
  provisional: Set<number> | undefined;
  readonly keyReused: boolean;
  last: number | undefined;
  maxBlock: number;
  /** Block data bytes held. */
  bytes: number;
  /** Accounted cost (see GbtReassemblerOptions.maxBufferedBytes). */
  cost: number;
  readonly firstSeen: number;
  lastActivity: number;
}

/** A completed conversation, remembered for duplicate detection: no per-block objects. */
interface Completed {
  readonly key: GbtConversationKey;
  readonly mapKey: string;
  readonly messageCode: number;
  /** The message (the reassembler's own copy). */
  readonly message: Uint8Array;
  /** ends[i] = end offset of block i + 1 in `message`. */
  readonly ends: Uint32Array;
  /** Blocks seen again since completion (index = block number), created on the first one. */
  echo: Uint8Array | undefined;
  readonly cost: number;
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
    if (!c.blocks.index.has(n)) {
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
    received: c.blocks.numbers(),
    gaps: gapsOf(c),
    lastBlock: c.last,
    bytes: c.bytes,
    firstSeen: c.firstSeen,
    lastActivity: c.lastActivity,
    keyReused: c.keyReused,
  };
}

function discardedOf(c: Conversation, error: GbtReassemblyError): GbtDiscarded {
  let blocks: Map<number, Uint8Array> | undefined;
  const arena = c.blocks;
  return {
    ...stateOf(c),
    error,
    get blocks(): ReadonlyMap<number, Uint8Array> {
      return (blocks ??= arena.toMap());
    },
  };
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Block `n` of a completed message, or undefined past its end. */
function completedBlock(d: Completed, n: number): Uint8Array | undefined {
  if (n < 1 || n > d.ends.length) return undefined;
  return d.message.subarray(n === 1 ? 0 : d.ends[n - 2]!, d.ends[n - 1]!);
}

function positive(name: string, v: number | undefined, dflt: number): number {
  if (v === undefined) return dflt;
  if (!(typeof v === 'number' && v > 0 && Number.isFinite(v))) throw new RangeError(`GbtReassembler ${name} must be a positive number, got ${v}`);
  return v;
}

/**
 * Reassembles GBT segments from any number of interleaved conversations.
 *
 * `push` never throws: input that does not decode as a GBT segment (not a frame, a
 * frame of another kind, or a GBT frame `decodeFrame` refuses, e.g. non-empty key-info or
 * bytes after the block data) is a `rejected` result with code 'gbt-not-a-segment' and
 * the decode error as `cause`; every block-stream problem is a `rejected` result
 * carrying a GbtReassemblyError. Policies:
 * - identical duplicates are ignored (`duplicate`), also after the message completed
 *   (completed conversations are remembered until they expire);
 * - a block that differs from a completed message's block of the same number (or comes
 *   with another message code) starts a new conversation under the same key
 *   (`keyReused`), see the file header;
 * - in an open conversation, a duplicate with different data or a different 'last' flag
 *   is rejected and the first copy kept: only the message's signature/MAC can tell which
 *   copy was genuine;
 * - a second 'last' block, or a block numbered above the last one, is rejected;
 * - a block that would make the message exceed `maxMessageSize` ends the conversation
 *   (it can never complete), returning what it held in `discarded`;
 * - a block that would exceed `maxBufferedBytes` (accounted cost), or that opens a
 *   conversation beyond `maxConversations`, is rejected without touching the open
 *   conversations;
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
  readonly #done = new Map<string, Completed>();
  #buffered = 0;
  #cost = 0;
  #doneCost = 0;
  /** No conversation can expire before this time (a lower bound; see #expireAt). */
  #checkAt = Infinity;

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

  /** Completed conversations remembered for duplicate detection. */
  get completedConversations(): number {
    return this.#done.size;
  }

  /** Block data bytes held by open conversations. */
  get bufferedBytes(): number {
    return this.#buffered;
  }

  /** Accounted cost of the open conversations (what `maxBufferedBytes` limits). */
  get bufferedCost(): number {
    return this.#cost;
  }

  /** Accounted cost of the completed conversations remembered (also limited by `maxBufferedBytes`). */
  get rememberedCost(): number {
    return this.#doneCost;
  }

  /** Snapshots of the open conversations, least recently active first. */
  pending(): GbtConversationState[] {
    return [...this.#open.values()].map(stateOf);
  }

  /** Drops the conversations idle for `expiryMs` and returns them. */
  expire(): GbtDiscarded[] {
    return this.#expireAt(this.#now());
  }

  #expireAt(now: number): GbtDiscarded[] {
    const out: GbtDiscarded[] = [];
    for (const c of this.#open.values()) {
      if (now - c.lastActivity < this.expiryMs) break;
      out.push(this.#discard(c, new GbtReassemblyError('gbt-expired', -1, `the next block within ${this.expiryMs} ms`, { key: c.key, detail: `idle for ${now - c.lastActivity} ms` })));
    }
    for (const d of this.#done.values()) {
      if (now - d.lastActivity < this.expiryMs) break;
      this.#forget(d);
    }
    // Both maps are in activity order: the fronts are the next to expire.
    const o = this.#open.values().next();
    const d = this.#done.values().next();
    this.#checkAt = Math.min(o.done ? Infinity : o.value.lastActivity + this.expiryMs, d.done ? Infinity : d.value.lastActivity + this.expiryMs);
    return out;
  }

  /** Drops every open conversation (e.g. at end of input) and returns them with their gaps. */
  flush(): GbtDiscarded[] {
    const out: GbtDiscarded[] = [];
    for (const c of [...this.#open.values()]) {
      const s = stateOf(c);
      const what = s.lastBlock === undefined ? 'the last block' : `blocks ${s.gaps.map(([a, b]) => (a === b ? `${a}` : `${a}-${b}`)).join(', ')}`;
      out.push(this.#discard(c, new GbtReassemblyError('gbt-incomplete', -1, what, { key: c.key, detail: `${c.blocks.index.size} block(s) received` })));
    }
    this.#done.clear();
    this.#doneCost = 0;
    return out;
  }

  /** Handles one segment (bytes, hex/base64 text or a decoded frame). Never throws. */
  push(input: BinaryInput | GbcsFrame): GbtPushResult {
    let frame: GbcsFrame;
    try {
      frame = input instanceof GbcsFrame ? input : decodeFrame(toBytes(input));
    } catch (e) {
      const cause = e instanceof GbcsDecodeError ? e : undefined;
      const error = new GbtReassemblyError('gbt-not-a-segment', cause?.offset ?? 0, cause ? `a GBT segment: ${cause.expected}` : 'a GBT segment (bytes, hex or base64 text)', {
        detail: cause ? `${cause.code} at byte ${cause.offset}` : String(e instanceof Error ? e.message : e),
        cause,
      });
      return { status: 'rejected', key: undefined, error, expired: this.#expiredOrNone(this.#now()) };
    }
    const now = this.#now();
    const expiredOrNone = this.#expiredOrNone(now);
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
    let reused: Completed | undefined;
    if (done) {
      const prev = completedBlock(done, n);
      if (frame.messageCode === done.messageCode && prev && (n === done.ends.length) === g.lastBlock && sameBytes(prev, g.blockData)) {
        (done.echo ??= new Uint8Array(done.ends.length + 1))[n] = 1;
        done.lastActivity = now;
        this.#done.delete(mapKey);
        this.#done.set(mapKey, done);
        return { status: 'duplicate', key, blockNumber: n, completed: true, expired: expiredOrNone };
      }
      // A different block under a completed key: a new message reusing the key.
      reused = done;
    }
    if (c) {
      if (frame.messageCode !== c.messageCode) {
        return reject('gbt-routing-mismatch', frame.layout.otherInformation, `message code 0x${c.messageCode.toString(16).padStart(4, '0')} as in block(s) already received`, `got 0x${frame.messageCode.toString(16).padStart(4, '0')}`);
      }
      if (c.provisional !== undefined && this.#settle(c, n, g)) {
        c.lastActivity = now;
        this.#touch(c);
        return { status: 'accepted', key, blockNumber: n, expired: expiredOrNone };
      }
      const prev = c.blocks.get(n);
      if (prev) {
        const wasLast = c.last === n;
        if (wasLast === g.lastBlock && sameBytes(prev, g.blockData)) {
          return { status: 'duplicate', key, blockNumber: n, completed: false, expired: expiredOrNone };
        }
        return wasLast !== g.lastBlock
          ? reject('gbt-conflicting-duplicate', apdu + 1, `block-control 'last' ${wasLast ? 'set' : 'clear'} as in the first copy of block ${n}`)
          : reject('gbt-conflicting-duplicate', frame.layout.blockData, `block data identical to the first copy of block ${n}`, `${prev.length} bytes first, ${g.blockData.length} now; first copy kept`);
      }
      if (g.lastBlock && c.last !== undefined) {
        return reject('gbt-second-last-block', apdu + 1, `one 'last' block per message (block ${c.last} was already flagged last)`);
      }
      if (c.last !== undefined && n > c.last) {
        return reject('gbt-block-after-last', apdu + 2, `block number <= ${c.last} (the last block)`);
      }
      if (g.lastBlock && n < c.maxBlock) {
        return reject('gbt-block-after-last', apdu + 2, `the last block to be numbered >= ${c.maxBlock} (the highest block received)`);
      }
    }
    const size = g.blockData.length;
    if (!c) {
      if (this.#open.size >= this.maxConversations) {
        return reject('gbt-too-many-conversations', 0, `at most ${this.maxConversations} open conversations`);
      }
      if (this.#cost + GBT_CONVERSATION_OVERHEAD + Math.max(256, size * 4) + GBT_BLOCK_OVERHEAD > this.maxBufferedBytes) {
        return reject('gbt-buffer-full', frame.layout.blockData, `at most ${this.maxBufferedBytes} bytes of accounted cost buffered across conversations`, `${this.#cost} held; retry once conversations complete`);
      }
      const c0 = new Arena(size);
      c = {
        key,
        mapKey,
        messageCode: frame.messageCode,
        blocks: c0,
        provisional: undefined,
        keyReused: reused !== undefined,
        last: undefined,
        maxBlock: 0,
        bytes: 0,
        cost: GBT_CONVERSATION_OVERHEAD + c0.data.length,
        firstSeen: now,
        lastActivity: now,
      };
      this.#cost += c.cost;
      this.#open.set(mapKey, c);
      this.#checkAt = Math.min(this.#checkAt, now + this.expiryMs);
      if (reused) {
        this.#forget(reused);
        if (reused.echo && reused.messageCode === c.messageCode) this.#seed(c, reused, n, g);
      }
    } else {
      const cost = c.blocks.costOf(size);
      if (this.#cost + cost > this.maxBufferedBytes) {
        return reject('gbt-buffer-full', frame.layout.blockData, `at most ${this.maxBufferedBytes} bytes of accounted cost buffered across conversations`, `${this.#cost} held; retry once conversations complete`);
      }
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
    this.#store(c, n, g.blockData, g.lastBlock);
    c.lastActivity = now;
    this.#touch(c);
    if (c.last === undefined || c.blocks.index.size !== c.last) {
      return reused ? { status: 'accepted', key, blockNumber: n, keyReused: true, expired: expiredOrNone } : { status: 'accepted', key, blockNumber: n, expired: expiredOrNone };
    }
    return this.#complete(c, expiredOrNone);
  }

  #expiredOrNone(now: number): readonly GbtDiscarded[] {
    if (now < this.#checkAt) return NONE;
    const expired = this.#expireAt(now);
    return expired.length === 0 ? NONE : expired;
  }

  #touch(c: Conversation): void {
    this.#open.delete(c.mapKey);
    this.#open.set(c.mapKey, c);
  }

  #store(c: Conversation, n: number, data: Uint8Array, last: boolean): void {
    const cost = c.blocks.costOf(data.length);
    c.blocks.set(n, data);
    c.cost += cost;
    this.#cost += cost;
    c.bytes += data.length;
    this.#buffered += data.length;
    if (n > c.maxBlock) c.maxBlock = n;
    if (last) c.last = n;
  }

  /** Removes block `n` (a provisional one); its arena bytes stay accounted. */
  #unstore(c: Conversation, n: number): void {
    const len = c.blocks.delete(n);
    c.bytes -= len;
    this.#buffered -= len;
    c.provisional?.delete(n);
    if (c.last === n) c.last = undefined;
    if (n === c.maxBlock) {
      c.maxBlock = 0;
      for (const k of c.blocks.index.keys()) if (k > c.maxBlock) c.maxBlock = k;
    }
  }

  /**
   * Starts a key-reusing conversation with the blocks of the completed message that were
   * seen again since it completed and are numbered below block `n` (the first block that
   * differed): in a stream sent in order they were the new message's leading blocks. The
   * old message's last block is never seeded (block `n` follows it, so it cannot be last).
   */
  #seed(c: Conversation, d: Completed, n: number, g: GbtBlock): void {
    const top = Math.min(n - 1, d.ends.length - 1, d.echo!.length - 1);
    for (let k = 1; k <= top; k++) {
      if (d.echo![k] !== 1) continue;
      const data = completedBlock(d, k)!;
      if (c.bytes + data.length + g.blockData.length > this.maxMessageSize) break;
      if (this.#cost + c.blocks.costOf(data.length) + GBT_BLOCK_OVERHEAD + g.blockData.length > this.maxBufferedBytes) break;
      this.#store(c, k, data, false);
      (c.provisional ??= new Set()).add(k);
    }
  }

  /**
   * Reconciles provisional blocks with block `n` just received: returns true when it
   * confirms a provisional copy (same bytes and flag), else drops the provisional blocks it
   * contradicts so the normal checks apply.
   */
  #settle(c: Conversation, n: number, g: GbtBlock): boolean {
    const p = c.provisional!;
    if (p.has(n)) {
      const prev = c.blocks.get(n)!;
      if ((c.last === n) === g.lastBlock && sameBytes(prev, g.blockData)) {
        p.delete(n);
        if (p.size === 0) c.provisional = undefined;
        return true;
      }
      this.#unstore(c, n);
    }
    if (g.lastBlock) {
      for (const k of [...p]) if (k > n) this.#unstore(c, k);
    }
    if (c.last !== undefined && p.has(c.last) && (g.lastBlock || n > c.last)) this.#unstore(c, c.last);
    if (p.size === 0) c.provisional = undefined;
    return false;
  }

  #complete(c: Conversation, expired: readonly GbtDiscarded[]): GbtPushResult {
    const last = c.last!;
    const message = new Uint8Array(c.bytes);
    const ends = new Uint32Array(last);
    let p = 0;
    for (let i = 1; i <= last; i++) {
      const b = c.blocks.get(i)!;
      message.set(b, p);
      p += b.length;
      ends[i - 1] = p;
    }
    this.#open.delete(c.mapKey);
    this.#buffered -= c.bytes;
    this.#cost -= c.cost;
    const key = c.key;
    let frame: GbcsFrame;
    try {
      frame = decodeFrame(message);
    } catch (e) {
      const cause = e instanceof GbcsDecodeError ? e : undefined;
      const error = new GbtReassemblyError('gbt-reassembled-invalid', -1, 'the reassembled bytes to be a GBCS message', { key, detail: e instanceof Error ? e.message : String(e), cause });
      return { status: 'rejected', key, error, message, discarded: discardedOf(c, error), expired };
    }
    // Remember the completed message (own copy: the caller may change `message`).
    const cost = message.length + 4 * last + GBT_CONVERSATION_OVERHEAD;
    if (cost <= this.maxBufferedBytes) {
      const d: Completed = { key, mapKey: c.mapKey, messageCode: c.messageCode, message: message.slice(), ends, echo: undefined, cost, lastActivity: c.lastActivity };
      this.#done.set(c.mapKey, d);
      this.#checkAt = Math.min(this.#checkAt, d.lastActivity + this.expiryMs);
      this.#doneCost += cost;
      for (const old of this.#done.values()) {
        if (this.#done.size <= this.maxConversations && this.#doneCost <= this.maxBufferedBytes) break;
        this.#forget(old);
      }
    }
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
    return { status: 'complete', key, message, frame, blocks: last, keyReused: c.keyReused, expired };
  }

  #forget(d: Completed): void {
    if (this.#done.get(d.mapKey) === d) {
      this.#done.delete(d.mapKey);
      this.#doneCost -= d.cost;
    }
  }

  #discard(c: Conversation, error: GbtReassemblyError): GbtDiscarded {
    this.#open.delete(c.mapKey);
    this.#buffered -= c.bytes;
    this.#cost -= c.cost;
    return discardedOf(c, error);
  }
}
