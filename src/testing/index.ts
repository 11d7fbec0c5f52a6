// gbcs-codec/testing: helpers for unit-testing code that handles GBCS frames.
//
//   import { expect } from 'vitest';
//   import { gbcsMatchers, loadHexFixtures } from 'gbcs-codec/testing';
//   expect.extend(gbcsMatchers);
//   expect(hex).toDecodeAs({ useCase: 'ECS52', cra: 'response' });
//
// The matcher decodes the received value (hex, base64 or bytes) and compares the expected
// fields as a subset of the frame's JSON form (frame.toJSON() plus `payload`, the decoded
// payload tree in JSON-safe form): only the fields named in the expectation are compared,
// objects recursively, arrays element by element.
import { readFileSync } from 'node:fs';
import type { BinaryInput } from '../bytes.js';
import { decodeFrame } from '../decode.js';
import { GbcsDecodeError } from '../errors.js';
import type { GbcsFrame } from '../frame.js';
import { toJsonSafe } from '../payload/json.js';

/** One named frame of a hex fixture file. */
export interface HexFixture {
  /** The comment line above the frame (without `#`), or `line N` when there is none. */
  readonly name: string;
  /** The frame as upper- or lower-case hex, as written in the file. */
  readonly hex: string;
  /** 1-based line number in the file. */
  readonly line: number;
}

/**
 * Parses a hex fixture text: one frame per line, `#` comment lines name the frame below them,
 * blank lines are skipped.
 */
export function parseHexFixtures(text: string): HexFixture[] {
  const out: HexFixture[] = [];
  let name: string | undefined;
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const t = lines[i]!.trim();
    if (t === '') continue;
    if (t.startsWith('#')) {
      name = t.slice(1).trim();
      continue;
    }
    out.push({ name: name ?? `line ${i + 1}`, hex: t, line: i + 1 });
    name = undefined;
  }
  return out;
}

/** Reads and parses a hex fixture file (see parseHexFixtures). `path` may be a file URL. */
export function loadHexFixtures(path: string | URL): HexFixture[] {
  return parseHexFixtures(readFileSync(path, 'utf8'));
}

/** The fields `toDecodeAs` can compare: any subset of the frame's JSON form. */
export interface DecodeExpectation {
  readonly useCase?: string | null;
  readonly messageCode?: number;
  readonly kind?: string;
  readonly cra?: string;
  readonly originator?: string;
  readonly recipient?: string;
  readonly payloadFormat?: string;
  /** A subset of the JSON-safe payload tree. */
  readonly payload?: unknown;
  readonly [field: string]: unknown;
}

/** The JSON form the matcher compares against. */
export function frameForMatching(frame: GbcsFrame): Record<string, unknown> {
  const p = frame.payload;
  let payload: unknown = null;
  if (p && frame.payloadFormat !== 'unknown') {
    try {
      payload = toJsonSafe(p.decoded);
    } catch (e) {
      if (!(e instanceof GbcsDecodeError)) throw e;
      payload = { error: e.code, offset: e.offset, expected: e.expected };
    }
  }
  return { ...frame.toJSON(), payload };
}

/** Where `actual` differs from the subset `expected`: a path and both values, or undefined. */
export function subsetMismatch(actual: unknown, expected: unknown, path = ''): { path: string; actual: unknown; expected: unknown } | undefined {
  if (expected !== null && typeof expected === 'object') {
    if (actual === null || typeof actual !== 'object') return { path, actual, expected };
    if (Array.isArray(expected)) {
      if (!Array.isArray(actual) || actual.length !== expected.length) return { path, actual, expected };
      for (let i = 0; i < expected.length; i++) {
        const m = subsetMismatch(actual[i], expected[i], `${path}[${i}]`);
        if (m) return m;
      }
      return undefined;
    }
    for (const [k, v] of Object.entries(expected)) {
      const m = subsetMismatch((actual as Record<string, unknown>)[k], v, path ? `${path}.${k}` : k);
      if (m) return m;
    }
    return undefined;
  }
  const norm = (v: unknown) => (typeof v === 'bigint' ? v.toString() : v);
  return Object.is(norm(actual), norm(expected)) ? undefined : { path, actual, expected };
}

/** A matcher result in the shape vitest and jest expect from `expect.extend`. */
export interface MatcherResult {
  pass: boolean;
  /** The failure message. */
  message: () => string;
  actual?: unknown;
  expected?: unknown;
}

/**
 * `expect(frame).toDecodeAs(expectation)`: the received hex, base64 or bytes decode to a frame
 * whose JSON form contains every field of `expectation`. A frame that does not decode fails
 * with the decoder's message (offset and what was expected).
 */
export function toDecodeAs(received: unknown, expected: DecodeExpectation): MatcherResult {
  let frame: GbcsFrame;
  try {
    frame = decodeFrame(received as BinaryInput);
  } catch (e) {
    if (!(e instanceof GbcsDecodeError)) throw e;
    return { pass: false, message: () => `expected a frame that decodes, but: ${e.message}` };
  }
  const actual = frameForMatching(frame);
  const m = subsetMismatch(actual, expected);
  const label = `${String(actual['useCase'] ?? 'unknown use case')} ${String(actual['cra'])}`;
  return m
    ? {
        pass: false,
        message: () => `expected the frame (${label}) to decode as given, but ${m.path || 'the frame'} is ${JSON.stringify(m.actual)} instead of ${JSON.stringify(m.expected)}`,
        actual: m.actual,
        expected: m.expected,
      }
    : { pass: true, message: () => `expected the frame (${label}) not to decode as given` };
}

/** Matchers for `expect.extend(gbcsMatchers)` (vitest or jest). */
export const gbcsMatchers = {
  /** Passes when `received` (hex, base64 or bytes) decodes to a frame matching `expected`. */
  toDecodeAs(this: unknown, received: unknown, expected: DecodeExpectation): MatcherResult {
    return toDecodeAs(received, expected);
  },
};
