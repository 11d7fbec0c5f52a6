// The generic use-case module: every message code (and CRA) without a typed view of its
// own resolves here, so every code in MESSAGE_CODES resolves to something (registry.ts).
//
// The generic view is the payload tree itself (frame.payload: DLMS, GBZ/ZCL or ASN.1,
// with the names the payload layer gives: OBIS objects, ZCL clusters and attributes,
// ASN.1 fields of the known structures) plus the use case id and title from the message
// code table. `gbcs decode` already prints that tree as its payload section (and under
// `payload` in --json), so the generic module adds no section of its own: `render`
// writes nothing and `json` gives undefined (no key).
import type { GbcsFrame } from '../frame.js';
import type { LazyPayload } from '../payload/index.js';
import { useCase } from './module.js';

/** View of a frame without a typed view: use case and payload tree. */
export interface GenericView {
  readonly type: 'generic';
  /** Use case id from the message code table (GBCS.md 4), undefined for an unknown code. */
  readonly useCase?: string;
  readonly title?: string;
  /** The payload, decoded lazily (undefined for GBT segments). */
  readonly payload?: LazyPayload;
}

/** Use-case module for any message code without a typed view. */
export const genericModule = useCase<GenericView>({
  id: 'generic',
  title: 'Any message code without a typed view: the payload tree, named by the payload layer',
  codes: [],
  cras: ['command', 'response', 'alert'],
  family: '',
  read(f: GbcsFrame): GenericView {
    const info = f.messageInfo;
    return { type: 'generic', ...(info ? { useCase: info.useCase, title: info.name } : {}), payload: f.payload };
  },
  render() {},
  json: () => undefined,
});
