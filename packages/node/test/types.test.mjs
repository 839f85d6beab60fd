// The package's declarations as a user gets them, without running anything (so
// without needing the component): the packed tarball installed with npm in a
// temporary directory, `tsc --strict` on an example that imports every export,
// and the shared records checked against jco's types for the WIT.

import { before, test } from 'node:test';
import { copyFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { NODENEXT, TSC_STRICT, assertUsesEveryExport, installed, tarball, tsc } from '../../js-common/test/typecheck.mjs';

const NAME = 'huggingface-provider';
const packageDir = fileURLToPath(new URL('..', import.meta.url));
const witDir = fileURLToPath(new URL('../../../wit', import.meta.url));
const tscPath = join(packageDir, 'node_modules', '.bin', 'tsc');

let dir;
before(async () => {
  dir = await installed(await tarball('HF_PROVIDER_NODE_TARBALL', packageDir));
});

test('the types pass tsc --strict on an example that uses every export', async () => {
  const example = await readFile(new URL('./types-example.ts', import.meta.url), 'utf8');
  await assertUsesEveryExport(dir, NAME, example);
  await writeFile(join(dir, 'example.ts'), example);
  await tsc(tscPath, dir, [...TSC_STRICT, ...NODENEXT, 'example.ts']);
});

test("the shared records are jco's types for the WIT", async () => {
  // jco's type generator (the pinned devDependency) is itself a component: it
  // reads wit/ through WASI, which this shim grants no directory by default.
  const { _setPreopens } = await import('@bytecodealliance/preview2-shim/filesystem');
  _setPreopens({ [witDir]: witDir });
  const { generateHostTypes } = await import('@bytecodealliance/jco-transpile');
  const out = join(dir, 'wit-types') + '/';
  const files = await generateHostTypes(witDir, { worldName: 'provider', instantiation: 'async', outDir: out });
  for (const [path, text] of Object.entries(files)) {
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, text);
  }
  await copyFile(new URL('./wit-types-check.ts', import.meta.url), join(dir, 'check.ts'));
  await tsc(tscPath, dir, [...TSC_STRICT, ...NODENEXT, 'check.ts']);
});
