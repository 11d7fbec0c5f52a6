// Marks the CLI entry executable after tsc (npm links "bin" but a fresh clone run
// directly as ./dist/cli/main.js needs the mode bit).
import { chmodSync, existsSync } from 'node:fs';
const cli = new URL('../dist/cli/main.js', import.meta.url);
if (existsSync(cli)) chmodSync(cli, 0o755);
