// The package as users install it (issue 15 item 3): `npm pack`, install the tarball into a
// temporary project (offline from the npm cache, no install scripts), then use it there: ESM
// import and CommonJS require of every entry, a strict TypeScript consumer (exactOptionalPropertyTypes,
// skipLibCheck false) under node16 and bundler resolution, `npx gbcs --version` and `npx gbcs demo`.
// Also: what the tarball holds (LICENSE, samples, no tests, source maps only to shipped files).
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = resolve(new URL('..', import.meta.url).pathname);
const PKG = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string; scripts: Record<string, string>; repository?: unknown; license: string };
const TSC = join(ROOT, 'node_modules', '.bin', 'tsc');
const tmp = mkdtempSync(join(tmpdir(), 'gbcs-pack-'));
const project = join(tmp, 'consumer');
let tarball = '';
let installed = '';

function sh(cmd: string, args: string[], cwd = project): { status: number; stdout: string; stderr: string } {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', env: { ...process.env, npm_config_update_notifier: 'false' }, timeout: 120_000 });
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

function walk(dir: string, base = dir): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) => (d.isDirectory() ? walk(join(dir, d.name), base) : [join(dir, d.name).slice(base.length + 1)]));
}

const HAVE_DIST = existsSync(join(ROOT, 'dist', 'index.js'));

describe.skipIf(!HAVE_DIST)('the packed package, installed', () => {
  beforeAll(() => {
    const out = execFileSync('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', tmp], { cwd: ROOT, encoding: 'utf8' });
    tarball = join(tmp, (JSON.parse(out) as { filename: string }[])[0]!.filename);
    execFileSync('mkdir', ['-p', project]);
    writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
    copyFileSync(join(ROOT, 'test', 'consumer', 'consumer.ts'), join(project, 'consumer.ts'));
    const types = JSON.parse(readFileSync(join(ROOT, 'node_modules', '@types', 'node', 'package.json'), 'utf8')) as { version: string };
    const r = sh('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--ignore-scripts', tarball, `@types/node@${types.version}`]);
    if (r.status !== 0) throw new Error(`npm install of the tarball failed: ${r.stderr}`);
    installed = join(project, 'node_modules', 'gbcs-codec');
  }, 180_000);
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  it('ships LICENSE, README, samples, dist and src, and no tests or fixtures', () => {
    const files = walk(installed);
    expect(files).toEqual(expect.arrayContaining(['LICENSE', 'README.md', 'package.json', 'samples/frames.hex', 'samples/sample-ota.bin', 'dist/index.js', 'dist/index.d.ts', 'dist/cli/main.js']));
    expect(files.filter((f) => f.startsWith('test/') || f.includes('fixtures'))).toEqual([]);
    expect(readFileSync(join(installed, 'LICENSE'), 'utf8')).toMatch(/^MIT License/);
    expect(PKG.license).toBe('MIT');
    expect(PKG.repository).toMatchObject({ type: 'git' });
  });

  it('the samples equal the test fixtures they are copies of', () => {
    for (const [s, f] of [['samples/frames.hex', 'test/fixtures/frames.hex'], ['samples/sample-ota.bin', 'test/fixtures/sample-ota.bin'], ['samples/ota-keys/a0a0a0a0a0a0a0a0-ds.pem', 'test/fixtures/ota-keys/a0a0a0a0a0a0a0a0-ds.pem']]) {
      expect(readFileSync(join(installed, s!)).equals(readFileSync(join(ROOT, f!))), s).toBe(true);
    }
  });

  it('every source map points only at files in the package', () => {
    const maps = walk(installed).filter((f) => f.endsWith('.map'));
    expect(maps.length).toBeGreaterThan(10);
    for (const m of maps) {
      const map = JSON.parse(readFileSync(join(installed, m), 'utf8')) as { sources: string[] };
      for (const s of map.sources) expect(existsSync(resolve(dirname(join(installed, m)), s)), `${m} -> ${s}`).toBe(true);
    }
  });

  it('needs no build on install: no install-time scripts', () => {
    const pkg = JSON.parse(readFileSync(join(installed, 'package.json'), 'utf8')) as { scripts?: Record<string, string> };
    for (const s of ['preinstall', 'install', 'postinstall', 'prepare']) expect(pkg.scripts?.[s], s).toBeUndefined();
  });

  it('imports every entry as ESM and requires it as CommonJS', () => {
    const hex = readFileSync(join(ROOT, 'samples', 'frames.hex'), 'utf8').split('\n').find((l) => /^[0-9A-F]+$/i.test(l.trim()))!.trim();
    const esm = sh(process.execPath, [
      '--input-type=module',
      '-e',
      `import { decodeFrame } from 'gbcs-codec'; import { folderKeyStore } from 'gbcs-codec/node'; import { planUpgrade } from 'gbcs-codec/lifecycle'; import { toDecodeAs } from 'gbcs-codec/testing';
       const f = decodeFrame('${hex}'); console.log(f.messageInfo.useCase, typeof folderKeyStore, typeof planUpgrade, toDecodeAs('${hex}', { useCase: f.messageInfo.useCase }).pass);`,
    ]);
    expect(esm.stderr).toBe('');
    expect(esm.stdout.trim()).toBe('ECS52 function function true');
    const cjs = sh(process.execPath, [
      '-e',
      `const { decodeFrame } = require('gbcs-codec'); const { folderKeyStore } = require('gbcs-codec/node'); const { planUpgrade } = require('gbcs-codec/lifecycle');
       console.log(decodeFrame('${hex}').messageInfo.useCase, typeof folderKeyStore, typeof planUpgrade);`,
    ]);
    expect(cjs.status, cjs.stderr).toBe(0);
    expect(cjs.stdout.trim()).toBe('ECS52 function function');
  });

  for (const [module, moduleResolution] of [['node16', 'node16'], ['esnext', 'bundler']] as const) {
    it(`a strict TypeScript consumer compiles (${moduleResolution} resolution, exactOptionalPropertyTypes, skipLibCheck false)`, () => {
      const config = {
        compilerOptions: { strict: true, exactOptionalPropertyTypes: true, skipLibCheck: false, noEmit: true, module, moduleResolution, target: 'es2022', lib: ['es2022', 'dom'], types: ['node'] },
        files: ['consumer.ts'],
      };
      writeFileSync(join(project, `tsconfig.${moduleResolution}.json`), JSON.stringify(config));
      const r = sh(TSC, ['-p', `tsconfig.${moduleResolution}.json`]);
      expect(r.stdout + r.stderr).toBe('');
      expect(r.status).toBe(0);
    }, 120_000);
  }

  it('npx gbcs --version and npx gbcs demo run from the installed package', () => {
    const v = sh('npx', ['--no-install', 'gbcs', '--version']);
    expect(v.stdout.trim()).toBe(PKG.version);
    const d = sh('npx', ['--no-install', 'gbcs', 'demo']);
    expect(d.status, d.stderr).toBe(0);
    expect(d.stdout).toMatch(/decoded \d+ sample frames/);
    expect(d.stdout).toMatch(/supplier signature\s+valid \(a0a0a0a0a0a0a0a0\)/);
  }, 60_000);
});
