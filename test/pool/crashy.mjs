// A pool task module for tests: kills its worker thread on chosen frames.
import { decodeFrame } from '../../dist/index.js';

export function createHandler(ctx) {
  const { killIndex, always } = ctx.options;
  return (bytes, info) => {
    if (info.index === killIndex && (always || info.attempt === 1)) process.exit(7);
    return { code: decodeFrame(bytes).messageCode, attempt: info.attempt, index: info.index };
  };
}
