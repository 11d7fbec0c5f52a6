// Typed views appended by `gbcs decode` under the envelope and the payload tree: whatever
// the use-case module of the frame's message code and CRA renders (useCases/registry.ts:
// firmware messages GBCS.md 5.3-5.5, the ECS61c boost periods section 6, ...).
import { GbcsDecodeError } from '../errors.js';
import type { GbcsFrame } from '../frame.js';
import { TextRows } from '../useCases/module.js';
import { genericModule, typedViewJson, useCaseOf } from '../useCases/registry.js';

/** Extra lines for frames with a typed view; '' otherwise. Payload errors are shown, not thrown. */
export function formatTypedView(f: GbcsFrame): string {
  const m = useCaseOf(f);
  if (m === genericModule) return '';
  const out = new TextRows();
  try {
    m.render(m.read(f), out);
  } catch (e) {
    if (!(e instanceof GbcsDecodeError)) throw e;
    out.row('typed view', `payload does not match its message code: ${e.message}`);
  }
  return out.text;
}

/** Typed views for `gbcs decode --json` (the one definition is in the use-case registry). */
export { typedViewJson };
