// Type declarations for `expect(...).toDecodeAs(...)` in vitest. Import this module once for
// its types (`import 'gbcs-codec/testing/vitest'`) after `expect.extend(gbcsMatchers)`.
import type { DecodeExpectation } from './index.js';
import type {} from 'vitest';

/** The matcher's signature as it appears on vitest's `expect(...)`. */
export interface GbcsMatchers<R = unknown> {
  /** The received hex, base64 or bytes decode to a frame containing every field of `expected`. */
  toDecodeAs(expected: DecodeExpectation): R;
}

declare module 'vitest' {
  interface Matchers<T = any> extends GbcsMatchers<T> {}
}
