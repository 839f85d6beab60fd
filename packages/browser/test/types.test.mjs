// The package's declarations as a user gets them, without running anything (so
// without needing the wasm build): the packed tarball installed with npm in a
// temporary directory, and `tsc --strict` on an example that imports every
// export, with Node's module resolution and a bundler's. (The shared records
// are checked against jco's types for the WIT by the Node package's tests.)

import { before, test } from 'node:test';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BUNDLER, NODENEXT, TSC_STRICT, assertUsesEveryExport, installed, tarball, tsc } from '../../js-common/test/typecheck.mjs';

const NAME = 'huggingface-provider-browser';
const packageDir = fileURLToPath(new URL('..', import.meta.url));
const tscPath = join(packageDir, 'node_modules', '.bin', 'tsc');

let dir;
before(async () => {
  dir = await installed(await tarball('HF_PROVIDER_BROWSER_TARBALL', packageDir));
  await writeFile(join(dir, 'example.ts'), await readFile(new URL('./types-example.ts', import.meta.url), 'utf8'));
});

test('the example imports every export', async () => {
  await assertUsesEveryExport(dir, NAME, await readFile(join(dir, 'example.ts'), 'utf8'));
});

test('the types pass tsc --strict on the example (Node resolution)', async () => {
  await tsc(tscPath, dir, [...TSC_STRICT, ...NODENEXT, 'example.ts']);
});

test('the types pass tsc --strict on the example (bundler resolution)', async () => {
  await tsc(tscPath, dir, [...TSC_STRICT, ...BUNDLER, 'example.ts']);
});
