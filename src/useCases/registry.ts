// The use-case registry: message code + CRA -> the module that knows that use case
// (HOUSE.md "A use case is one module"). The CLI (`gbcs decode` text and JSON), the typed
// views (decodeFirmwareMessage), the lifecycle tracker and the README's table of typed
// views all dispatch through here; nothing else chooses by message code.
//
// Adding a use case: one module file, one line in USE_CASE_MODULES, its tests. A code
// (or CRA) no module claims resolves to the generic module (generic.ts).
import { GbcsDecodeError } from '../errors.js';
import type { GbcsFrame } from '../frame.js';
import type { Cra } from '../types.js';
import { activationAlertModule, cs06Module } from './cs06.js';
import { ecs61cModule } from './ecs61c.js';
import { cs09Module, firmwareVersionModule } from './firmwareVersion.js';
import { genericModule } from './generic.js';
import { SpanRecorder, jsonView, type UseCaseModule, type ViewSpans } from './module.js';
import { ccs08Module, fdraDlmsModule, fdraGbzModule } from './receipts.js';

/** Every use-case module with a typed view, in documentation order. */
export const USE_CASE_MODULES: readonly UseCaseModule<any>[] = Object.freeze([
  cs06Module,
  activationAlertModule,
  firmwareVersionModule,
  cs09Module,
  fdraDlmsModule,
  fdraGbzModule,
  ccs08Module,
  ecs61cModule,
]);

const CRA_FLAG: Record<Cra, number> = { command: 1, response: 2, alert: 3 };
const key = (code: number, cra: Cra) => code * 4 + CRA_FLAG[cra];

const BY_KEY = new Map<number, UseCaseModule<any>>();
const BY_CODE = new Map<number, UseCaseModule<any>[]>();
for (const m of USE_CASE_MODULES) {
  for (const code of m.codes) {
    for (const cra of m.cras) {
      const k = key(code, cra);
      const other = BY_KEY.get(k);
      if (other) throw new Error(`use-case registry: 0x${code.toString(16).padStart(4, '0')} ${cra} claimed by ${other.id} and ${m.id}`);
      BY_KEY.set(k, m);
    }
    const list = BY_CODE.get(code) ?? [];
    if (!list.includes(m)) list.push(m);
    BY_CODE.set(code, list);
  }
}

/** The module for a message code and CRA: a typed one, or the generic module. */
export function useCaseModule(code: number, cra: Cra): UseCaseModule<any> {
  return BY_KEY.get(key(code, cra)) ?? genericModule;
}

/** The module a frame dispatches to (GBT segments carry no payload of their own: generic). */
export function useCaseOf(frame: Pick<GbcsFrame, 'kind' | 'messageCode' | 'cra'>): UseCaseModule<any> {
  return frame.kind === 'gbt' ? genericModule : useCaseModule(frame.messageCode, frame.cra);
}

/** The typed modules that own a message code (any CRA); [] when only the generic view serves it. */
export function modulesForCode(code: number): readonly UseCaseModule<any>[] {
  return BY_CODE.get(code) ?? [];
}

/** A frame's typed view and the module that read it. */
export interface TypedView<View = unknown> {
  readonly module: UseCaseModule<View>;
  readonly view: View;
  /**
   * Each field's byte offset in the frame and length, by path (`version`,
   * `response.firmwareVersion`, `periods.0.start`; module.ts ViewSpans). Computed on first
   * read (the view is read again with a span recorder): reading the view costs nothing more.
   */
  readonly spans: ViewSpans;
}

/** TypedView with the spans computed on first access (nothing is recorded until then). */
class LazyTypedView<View> implements TypedView<View> {
  #spans: ViewSpans | undefined;
  readonly #frame: GbcsFrame;
  constructor(
    readonly module: UseCaseModule<View>,
    readonly view: View,
    frame: GbcsFrame,
  ) {
    this.#frame = frame;
  }
  get spans(): ViewSpans {
    return (this.#spans ??= viewSpans(this.module, this.#frame));
  }
}

/** Reads `frame` with `module` recording the field spans (module.ts ViewSpans). */
function viewSpans<View>(module: UseCaseModule<View>, frame: GbcsFrame): ViewSpans {
  const rec = new SpanRecorder();
  module.read(frame, rec);
  return rec.spans;
}

/**
 * The typed view of a frame, or undefined when only the generic view serves its code and
 * CRA. Throws GbcsDecodeError (frame offsets) when the payload does not have the layout
 * its use case requires. `.spans` gives each view field's offset and length in the frame.
 */
export function readTypedView(frame: GbcsFrame): TypedView | undefined {
  const module = useCaseOf(frame);
  return module === genericModule ? undefined : new LazyTypedView(module, module.read(frame), frame);
}

/**
 * A frame's typed view as JSON, keyed by its module's family (`{ firmware: ... }`,
 * `{ boost: ... }`); {} when only the generic view serves the frame. The view's field
 * spans go under `spans` (`{ "version": { "offset": 60, "length": 6 } }`, module.ts
 * ViewSpans). A payload that does not match its message code gives `{ error, offset,
 * expected }` under the key instead of failing the frame (what `gbcs decode --json` and
 * the pipeline write).
 */
export function typedViewJson(frame: GbcsFrame): Record<string, unknown> {
  const m = useCaseOf(frame);
  if (m === genericModule) return {};
  try {
    // One read, recording the spans as it goes (the JSON carries them).
    const rec = new SpanRecorder();
    const view = m.read(frame, rec);
    const json = m.json ? m.json(view) : jsonView(view);
    if (json === undefined) return {};
    return { [m.family]: json !== null && typeof json === 'object' && !Array.isArray(json) ? { ...json, spans: rec.spans } : json };
  } catch (e) {
    if (!(e instanceof GbcsDecodeError)) throw e;
    return { [m.family]: { error: e.code, offset: e.offset, expected: e.expected } };
  }
}

export { genericModule };

const hex4 = (c: number) => `0x${c.toString(16).toUpperCase().padStart(4, '0')}`;

/**
 * The registry as a Markdown table (README "Typed views"): one row per module, then the
 * generic row. A test keeps the README's copy equal to this.
 */
export function useCaseTable(): string {
  const rows = [
    '| Module | Message codes | CRA | `--json` key | Typed view |',
    '|---|---|---|---|---|',
    ...USE_CASE_MODULES.map((m) => `| ${m.id} | ${m.codes.map(hex4).join(', ')} | ${m.cras.join(', ')} | \`${m.family}\` | ${m.title} |`),
    `| ${genericModule.id} | every other code and CRA | any | (none: the tree is under \`payload\`) | ${genericModule.title} |`,
  ];
  return rows.join('\n');
}
