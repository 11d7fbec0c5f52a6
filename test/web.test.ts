// The offline decoder page (issue 15 item 2) in a real browser: playwright-core driving
// Debian's /usr/bin/chromium (installed by .ci/run when missing; no browser download). The page
// is web/dist/index.html (scripts/build-web.mjs), loaded from file:// with every non-file
// request aborted and recorded: it must work with no network. Expected bytes and hashes come
// from the test side (the frame hex as given, node:crypto), not from the page.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HAVE_RTDS, RTDS_KEYSTORE, RTDS_SKIP_REASON, rtdsFiles } from './rtds.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const fixtures = join(root, 'test/fixtures');
const shots = join(root, 'test-results/web');
const CHROMIUM = process.env.GBCS_CHROMIUM ?? '/usr/bin/chromium';
const HAVE_CHROMIUM = existsSync(CHROMIUM);
const IN_CI = !!process.env.CI;
const SKIP_REASON = `${CHROMIUM} not found (apt-get install -y chromium): browser tests of the decoder page skipped`;
if (!HAVE_CHROMIUM && !IN_CI) console.warn(`[gbcs-codec] ${SKIP_REASON}`);

// In CI a missing browser is a failure (.ci/run installs it), never a skip.
describe.runIf(HAVE_CHROMIUM || IN_CI)('offline decoder page (web/dist/index.html) in Chromium', () => {
  let context: BrowserContext;
  let page: Page;
  let userDataDir: string;
  const network: string[] = [];
  const pageErrors: string[] = [];

  beforeAll(async () => {
    if (!HAVE_CHROMIUM) throw new Error(`${CHROMIUM} is missing: .ci/run must install Debian's chromium (apt-get install -y chromium)`);
    execFileSync(process.execPath, [join(root, 'scripts/build-web.mjs')], { cwd: root, stdio: 'pipe' });
    mkdirSync(shots, { recursive: true });
    userDataDir = mkdtempSync(join(tmpdir(), 'gbcs-web-chromium-'));
    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: CHROMIUM,
      headless: true,
      viewport: { width: 1400, height: 1000 },
      args: [
        '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
        '--disable-background-networking', '--disable-component-update', '--disable-sync',
      ],
    });
    await context.route('**/*', (route) => {
      const url = route.request().url();
      if (url.startsWith('file:') || url.startsWith('data:') || url.startsWith('blob:')) return route.continue();
      network.push(url);
      return route.abort();
    });
    page = context.pages()[0] ?? (await context.newPage());
    page.on('pageerror', (e) => pageErrors.push(e.message));
    await page.goto(pathToFileURL(join(root, 'web/dist/index.html')).href);
    await page.waitForSelector('body[data-ready="1"]', { timeout: 30_000 });
  });

  afterAll(async () => {
    await context?.close();
    if (userDataDir) rmSync(userDataDir, { recursive: true, force: true });
  });

  async function paste(text: string): Promise<void> {
    await page.fill('#input', text);
    await page.click('#decode');
  }

  /** Field names shown in the tree. */
  async function treeNames(): Promise<string[]> {
    return page.$$eval('#tree .node', (ns) => ns.map((n) => (n as HTMLElement).dataset.name!));
  }

  /** Hovers the first node called `name`; returns its offset/length and the highlighted bytes (hex). */
  async function hover(name: string): Promise<{ offset: number; length: number; lit: string[] }> {
    const node = page.locator(`#tree .node[data-name="${name}"]`).first();
    await node.hover();
    const offset = Number(await node.getAttribute('data-offset'));
    const length = Number(await node.getAttribute('data-length'));
    const lit = await page.$$eval('#hex .b.hl', (bs) => bs.map((b) => b.textContent!));
    return { offset, length, lit };
  }

  const hexBytes = (hex: string) => hex.replace(/\s+/g, '').toLowerCase().match(/../g)!;

  it('decodes a pasted hex frame: names in the tree, hover highlights exactly the field bytes', async () => {
    const hex = readFileSync(join(fixtures, 'ecs52-response.hex'), 'utf8').trim();
    await paste(hex);
    await page.waitForSelector('#tree .node[data-name="dlms.result"]');
    expect(await page.textContent('#summary')).toContain('use case: ECS52');
    const names = await treeNames();
    expect(names).toEqual(expect.arrayContaining(['gbcs.envelope.message_code', 'dlms.apdu', 'dlms.invoke_id', 'dlms.result']));
    const bytes = hexBytes(hex);
    expect(await page.$$eval('#hex .b', (bs) => bs.length)).toBe(bytes.length);
    for (const name of ['dlms.invoke_id', 'gbcs.envelope.originator', 'dlms.apdu']) {
      const h = await hover(name);
      expect(h.length).toBeGreaterThan(0);
      expect(h.lit.length).toBe(h.length);
      expect(h.lit).toEqual(bytes.slice(h.offset, h.offset + h.length));
    }
    // The invoke id the fixture carries (bytes 48..51 of the frame as written in the file).
    expect((await hover('dlms.invoke_id')).lit.join('')).toBe(hex.slice(96, 104).toLowerCase());
    await page.screenshot({ path: join(shots, 'fixture-ecs52.png'), fullPage: true });
  });

  it('decodes base64 and a DUIS XML message', async () => {
    const hex = readFileSync(join(fixtures, 'ecs52-response.hex'), 'utf8').trim();
    await paste(Buffer.from(hex, 'hex').toString('base64'));
    await page.waitForSelector('#tree .node[data-name="dlms.result"]');
    expect(await page.textContent('#status')).toMatch(/^base64: decoded \d+ fields/);
    await page.evaluate(() => (document.getElementById('status')!.textContent = ''));
    await paste(readFileSync(join(fixtures, 'duis-ecs52-response.xml'), 'utf8'));
    await page.waitForFunction(() => document.getElementById('status')!.textContent!.startsWith('DUIS '));
    expect(await page.textContent('#status')).toMatch(/^DUIS .*GBCSPayload: decoded \d+ fields/);
    expect(await page.textContent('#summary')).toContain('ECS52');
  });

  it('decodes a raw binary frame file dropped on the page (drag and drop)', async () => {
    const hex = readFileSync(join(fixtures, 'ecs52-response.hex'), 'utf8').trim();
    await page.evaluate((h) => {
      const bytes = new Uint8Array(h.match(/../g)!.map((x) => parseInt(x, 16)));
      const dt = new DataTransfer();
      dt.items.add(new File([bytes], 'frame.bin', { type: 'application/octet-stream' }));
      document.getElementById('status')!.textContent = '';
      document.getElementById('drop')!.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
    }, hex);
    await page.waitForFunction(() => document.getElementById('status')!.textContent!.startsWith('frame.bin: decoded'));
    expect(await page.textContent('#summary')).toContain('use case: ECS52');
    expect(await page.$$eval('#hex .b', (bs) => bs.map((b) => b.textContent).join(''))).toBe(hex.toLowerCase());
  });

  it('reports bad input in one line, no exception', async () => {
    await paste('zz not a frame');
    await page.waitForSelector('#status.error');
    expect(await page.textContent('#status')).toBe('not hex, base64 or a DUIS XML message');
    await paste('D9 00');
    await page.waitForFunction(() => /hex: .*byte/.test(document.getElementById('status')!.textContent!));
    expect(await page.getAttribute('#status', 'class')).toBe('error');
  });

  it('verifies signatures and MACs with dropped PEM key files (WebCrypto)', async () => {
    const lines = readFileSync(join(fixtures, 'security.hex'), 'utf8').split('\n');
    const i = lines.findIndex((l) => l.startsWith('# ECS52 response, ESME MAC'));
    const frame = lines[i + 1]!.trim();
    await paste(frame);
    await page.waitForSelector('#tree .node[data-name="gbcs.envelope.mac"]');
    const keyDir = join(fixtures, 'keys');
    await page.setInputFiles('#file', readdirSync(keyDir).map((f) => join(keyDir, f)));
    await page.waitForFunction(() => document.getElementById('verify')!.textContent !== '');
    const v = await page.textContent('#verify');
    expect(v).toContain('MAC: valid');
    expect(v).toContain('verification (WebCrypto): OK');
    // One flipped payload byte: the MAC no longer matches.
    const bad = frame.slice(0, 100) + (frame[100] === '0' ? '1' : '0') + frame.slice(101);
    await paste(bad);
    await page.waitForFunction(() => document.getElementById('verify')!.textContent!.includes('MAC: invalid'));
  });

  it('inspects a dropped OTA image with a progress bar and its SHA-256', async () => {
    const file = join(fixtures, 'sample-ota.bin');
    const bytes = readFileSync(file);
    await page.setInputFiles('#file', file);
    await page.waitForFunction(() => document.getElementById('ota')!.textContent!.includes('SHA-256 of the file'));
    const text = (await page.textContent('#ota'))!;
    expect(text).toContain(`SHA-256 of the file: ${createHash('sha256').update(bytes).digest('hex')}`);
    const m = /manufacturer image: @(\d+)\+(\d+)\s+SHA-256 \(Manufacturer Image Hash\): ([0-9a-f]{64})/.exec(text);
    expect(m).not.toBeNull();
    const [o, n] = [Number(m![1]), Number(m![2])];
    expect(m![3]).toBe(createHash('sha256').update(bytes.subarray(o, o + n)).digest('hex'));
    expect(await page.$eval('#progress', (p) => [(p as HTMLProgressElement).value, (p as HTMLProgressElement).max])).toEqual([bytes.length, bytes.length]);
    await page.screenshot({ path: join(shots, 'ota.png'), fullPage: true });
  });

  describe.skipIf(!HAVE_RTDS)('real RTDS frames', () => {
    if (!HAVE_RTDS) console.warn(`[gbcs-codec] ${RTDS_SKIP_REASON}`);
    const pick = (name: string) => {
      const f = rtdsFiles().find((r) => r.name.endsWith(name));
      if (!f) throw new Error(`RTDS file ${name} not found`);
      return f;
    };

    it.each([
      ['11.2_ECS52/ECS52_11.2_SUCCESS_RESPONSE_GBCS.HEX', 'ECS52', ['dlms.apdu', 'dlms.result'], 'dlms.apdu'],
      ['11.2_GCS38/GCS38_11.2_SUCCESS_RESPONSE_GBCS.HEX', 'GCS38', ['gbz.component', 'zcl.read_attributes_response', 'zcl.attribute.id'], 'zcl.attribute'],
      ['1.6_ECS02/', 'ECS02', ['dlms.apdu'], 'dlms.apdu'],
    ])('%s: tree names and highlight', async (name, useCase, expectNames, hoverName) => {
      const f = name.endsWith('/') ? rtdsFiles().find((r) => r.name.startsWith(name) && r.kind === 'RESPONSE')! : pick(name);
      await paste(f.hex);
      await page.waitForSelector(`#tree .node[data-name="${expectNames[0]}"]`);
      expect(await page.textContent('#summary')).toContain(`use case: ${useCase}`);
      const names = await treeNames();
      expect(names).toEqual(expect.arrayContaining(expectNames));
      const zclOrDlms = names.filter((n) => /^(dlms|zcl)\.[a-z_]+\./.test(n) || /^(dlms|zcl)\./.test(n));
      expect(zclOrDlms.length).toBeGreaterThan(0);
      const bytes = hexBytes(f.hex);
      const h = await hover(hoverName);
      expect(h.lit.length).toBe(h.length);
      expect(h.lit).toEqual(bytes.slice(h.offset, h.offset + h.length));
      await page.screenshot({ path: join(shots, `rtds-${useCase}.png`), fullPage: true });
    });

    it('verifies a real RTDS signature with the RTDS keystore dropped on the page', async () => {
      await page.click('#clearKeys');
      const f = rtdsFiles().find((r) => r.name.startsWith('1.6_ECS02/') && r.kind === 'RESPONSE')!;
      await paste(f.hex);
      await page.waitForSelector('#tree .node[data-name="gbcs.envelope.signature"]');
      await page.setInputFiles('#file', readdirSync(RTDS_KEYSTORE).filter((n) => /\.(pem|key)$/.test(n)).map((n) => join(RTDS_KEYSTORE, n)));
      await page.waitForFunction(() => document.getElementById('verify')!.textContent!.includes('signature:'));
      expect(await page.textContent('#verify')).toContain('signature: valid');
      await page.screenshot({ path: join(shots, 'rtds-verify.png'), fullPage: true });
      await page.click('#clearKeys');
    });
  });

  it('made no network request and threw no page error', () => {
    expect(network).toEqual([]);
    expect(pageErrors).toEqual([]);
  });
});
