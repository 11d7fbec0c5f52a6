// The pipeline's decode step behind one small function interface (FrameDecoder): bytes in,
// one outcome per frame out. `inProcessDecoder` runs it on this thread; a worker pool can run
// the same `decodeForPipeline` in workers (see README "Pipeline").
//
// Outcome per frame (issue 16 item 1):
//   result   the frame's JSON (frame.toJSON(), payload tree, typed view under its family key,
//            `security` with --keys): one output entry.
//   dead     malformed (GbcsDecodeError: code, byte offset, expected), or with a key store:
//            a signature/MAC that is invalid or whose key is unknown, an encrypted part that
//            cannot be opened (Decision: "key-unusable" = any check not valid/absent).
//   segment  a GBT segment: the pipeline routes it by conversation key (./pipeline.ts).
import { createHash } from 'node:crypto';
import { toBytes } from '../bytes.js';
import { decodeFrame } from '../decode.js';
import { GbcsDecodeError } from '../errors.js';
import type { GbcsFrame } from '../frame.js';
import { JsonWriter } from '../payload/json.js';
import { openFrame } from '../security/decrypt.js';
import type { KeyStore } from '../security/keyStore.js';
import { verifyFrame } from '../security/verify.js';
import { typedViewJson } from '../useCases/registry.js';

/** Outcome of decoding one pipeline entry: a JSON result or a dead letter. */
export type DecodeOutcome =
  | { readonly kind: 'result'; readonly json: string; readonly digest?: string }
  | { readonly kind: 'dead'; readonly reason: string; readonly offset: number; readonly expected: string; readonly message: string; readonly digest?: string }
  | { readonly kind: 'segment'; readonly conversation: string };

/** The decode step: one outcome per input, in order. */
export interface FrameDecoder {
  /** Decodes a batch: one outcome per frame, in order. */
  decode(frames: readonly Uint8Array[]): Promise<DecodeOutcome[]>;
  /** Releases the decoder (its worker pool, if any). */
  close(): Promise<void>;
}

/** Options of the pipeline decode step (keys, ...). */
export interface DecodeStepOptions {
  /** Verify signature and MAC and open encrypted parts with these keys. */
  readonly keyStore?: KeyStore;
  /** Access control broker EUI (MAC party of commands). */
  readonly acb?: string;
  /** Decode GBT segments as frames instead of reporting them for routing. */
  readonly segmentsAsFrames?: boolean;
}

/** Field bytes -> frame bytes: binary when it starts DD/DF (GBCS frame kinds), else hex or base64 text. */
export function frameBytes(field: Uint8Array): Uint8Array {
  const b0 = field[0];
  if (b0 === 0xdd || b0 === 0xdf) return field;
  return toBytes(Buffer.from(field.buffer, field.byteOffset, field.byteLength).toString('latin1'));
}

const dead = (e: GbcsDecodeError, digest?: string): DecodeOutcome => ({ kind: 'dead', reason: e.code, offset: e.offset, expected: e.expected, message: e.message, ...(digest ? { digest } : {}) });

/** SHA-1 of the frame bytes (hex): what repeats are recognised by, whatever the field's encoding. */
export const frameDigest = (b: Uint8Array): string => createHash('sha1').update(b).digest('hex');

/** Conversation key of a GBT segment (same identity as GbtReassembler: originator, recipient, CRA, counter). */
export function conversationKey(f: GbcsFrame): string {
  const j = f.toJSON() as { originator?: string; recipient?: string };
  return `${j.originator}/${j.recipient}/${f.cra}/${f.originatorCounter}`;
}

/** The one writer of this thread's records (reused: one buffer, not one per frame). */
const writer = new JsonWriter(16 * 1024);

/**
 * A result's JSON text: `{ ...frame.toJSON(), payload, ...typed view, security? }`, written
 * in one pass by the JsonWriter the CLI uses (payload/json.ts; a test compares it with
 * JSON.stringify of the JSON-safe form on every RTDS frame).
 */
function recordJson(frame: GbcsFrame, payload: unknown, security?: unknown): string {
  const w = writer;
  w.pos = 0;
  frame.writeJsonMembers(w);
  w.buf[0] = 123; // the first member's comma opens the object
  w.key('payload');
  w.value(payload);
  w.members(typedViewJson(frame));
  if (security !== undefined) (w.key('security'), w.value(security));
  w.byte(125);
  return w.text();
}

/** Decodes one frame for the pipeline (see the header for the outcomes). Never throws for bad input. */
export async function decodeForPipeline(input: Uint8Array, options: DecodeStepOptions = {}): Promise<DecodeOutcome> {
  let frame: GbcsFrame;
  let digest: string | undefined;
  try {
    const bytes = frameBytes(input);
    digest = frameDigest(bytes);
    frame = decodeFrame(bytes);
    if (frame.kind === 'gbt' && !options.segmentsAsFrames) return { kind: 'segment', conversation: conversationKey(frame) };
    if (!options.keyStore) {
      const p = frame.payload;
      return { kind: 'result', digest, json: recordJson(frame, p && frame.payloadFormat !== 'unknown' ? p.decoded : null) };
    }
    const [v, opened] = await Promise.all([verifyFrame(frame, options.keyStore, options.acb ? { acb: options.acb } : {}), openFrame(frame, options.keyStore)]);
    for (const [what, check, at] of [
      ['signature', v.signature, frame.layout.signature],
      ['mac', v.mac, frame.layout.mac],
    ] as const) {
      if (check.status === 'invalid' || check.status === 'key-unknown') {
        return { kind: 'dead', digest, reason: `${what}-${check.status}`, offset: at, expected: `a ${what} that verifies`, message: check.reason };
      }
    }
    const bad = opened.decryption.parts.find((p) => p.status !== 'decrypted');
    if (bad) return { kind: 'dead', digest, reason: `decrypt-${bad.status}`, offset: bad.offset, expected: 'an encrypted part the key store opens', message: bad.reason };
    const security = { signature: v.signature.status, mac: v.mac.status, encrypted: opened.decryption.encrypted };
    return { kind: 'result', digest, json: recordJson(frame, opened.payload, security) };
  } catch (e) {
    if (e instanceof GbcsDecodeError) return dead(e, digest);
    throw e;
  }
}

/** The decode step on this thread. */
export function inProcessDecoder(options: DecodeStepOptions = {}): FrameDecoder {
  return {
    async decode(frames) {
      const out: DecodeOutcome[] = new Array(frames.length);
      for (let i = 0; i < frames.length; i++) out[i] = await decodeForPipeline(frames[i]!, options);
      return out;
    },
    async close() {},
  };
}

/** Options of poolDecoder. */
export interface PoolDecoderOptions {
  /** Worker threads. */
  readonly workers: number;
  /** Key folder each worker opens (verify + decrypt, as with keyStore in-process). */
  readonly keys?: string;
  readonly acb?: string;
  readonly segmentsAsFrames?: boolean;
}

/**
 * The decode step on a pool of worker threads (createDecodePool, gbcs-codec/node): the same
 * decodeForPipeline per frame (./poolTask.ts), results in input order. A frame that kills its
 * worker twice comes back as a dead letter with the pool's reason (`worker-died`).
 */
export async function poolDecoder(options: PoolDecoderOptions): Promise<FrameDecoder> {
  const { createDecodePool } = await import('../node/pool.js');
  const pool = createDecodePool({
    workers: options.workers,
    ...(options.keys !== undefined ? { keys: options.keys } : {}),
    ...(options.acb !== undefined ? { acb: options.acb } : {}),
    module: new URL('./poolTask.js', import.meta.url),
    handlerOptions: { segmentsAsFrames: options.segmentsAsFrames === true },
  });
  return {
    async decode(frames) {
      const res = await pool.decode<DecodeOutcome>(frames);
      return res.map((r) => (r.error ? { kind: 'dead', reason: r.error.code, offset: r.error.offset, expected: r.error.expected, message: r.error.message } : r.value!));
    },
    close: () => pool.close(),
  };
}
