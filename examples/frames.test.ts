// Unit-testing frames from hex fixtures with gbcs-codec/testing: a fixture loader and the
// `toDecodeAs` matcher. Run with `npx vitest run examples/frames.test.ts`.
import { describe, expect, it } from 'vitest';
import { gbcsMatchers, loadHexFixtures } from 'gbcs-codec/testing';
import 'gbcs-codec/testing/vitest';

expect.extend(gbcsMatchers);

const fixtures = loadHexFixtures(new URL('../samples/frames.hex', import.meta.url));
const byName = (prefix: string) => fixtures.find((f) => f.name.startsWith(prefix))!.hex;

describe('sample frames', () => {
  it('ECS52 read firmware version response', () => {
    expect(byName('ECS52 read firmware version response')).toDecodeAs({ useCase: 'ECS52', cra: 'response', payloadFormat: 'DLMS' });
  });

  it('every fixture decodes', () => {
    for (const f of fixtures) expect(f.hex).toDecodeAs({});
  });

  it('a corrupted frame fails the matcher with the decoder message', () => {
    expect('DD00').not.toDecodeAs({});
  });
});
