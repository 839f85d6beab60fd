// Test helpers for the JavaScript packages' declarations, used by
// packages/node/test/types.test.mjs and packages/browser/test/types.test.mjs
// (not shipped: the builds copy only js-common's top-level files): a packed
// package installed as a user gets it, the names its declarations export, the
// names an example imports, and `tsc --strict` on the example.

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** What a user's `tsc --strict` checks, and more: no unused import or parameter (so the example uses what it imports). */
export const TSC_STRICT = [
  '--strict',
  '--noEmit',
  '--noUnusedLocals',
  '--noUnusedParameters',
  '--skipLibCheck',
  'false',
  '--target',
  'es2022',
];

/** Module settings of a Node project, and of a bundler's (Vite, webpack, esbuild). */
export const NODENEXT = ['--module', 'nodenext'];
export const BUNDLER = ['--module', 'esnext', '--moduleResolution', 'bundler'];

/** The tarball the package script packed (`$envVar`), or a fresh `npm pack` of `packageDir`. */
export async function tarball(envVar, packageDir) {
  const given = process.env[envVar];
  if (given) return given;
  const dir = await mkdtemp(join(tmpdir(), 'hf-pack-'));
  const { stdout } = await run('npm', ['pack', '--silent', '--pack-destination', dir], { cwd: packageDir });
  return join(dir, stdout.trim().split('\n').at(-1));
}

/** A temporary ES-module project with the tarball installed by npm; its directory. */
export async function installed(tarballPath) {
  const dir = await mkdtemp(join(tmpdir(), 'hf-types-'));
  await writeFile(join(dir, 'package.json'), JSON.stringify({ name: 'try-types', private: true, type: 'module' }));
  await run('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error', tarballPath], { cwd: dir });
  return dir;
}

/** The declaration file an import of the installed package `name` resolves to (its `exports["."].types`). */
export async function typesEntry(dir, name) {
  const root = join(dir, 'node_modules', name);
  const manifest = JSON.parse(await readFile(join(root, 'package.json'), 'utf8'));
  const entry = manifest.exports?.['.']?.types ?? manifest.types;
  assert.ok(entry, `${name} names its declarations`);
  return join(root, entry);
}

const withoutComments = (text) => text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/\/\/.*$/gm, '');

/** Names in `{ a, type b, c as d }`: the exported (`as`) name when `alias`, else the original. */
function braceNames(list, alias) {
  return list
    .split(',')
    .map((item) => item.trim().replace(/^type\s+/, ''))
    .filter(Boolean)
    .map((item) => {
      const [name, as] = item.split(/\s+as\s+/);
      return alias && as ? as : name;
    });
}

/**
 * Every name a declaration file exports, following its relative `export * from`:
 * declarations (`export declare class X`, `export interface X`, `export type X =`),
 * lists (`export { a, b as c }`, `export type { … } from`) and `export * as ns`.
 */
export async function exportedNames(file, seen = new Set()) {
  const names = new Set();
  if (seen.has(file)) return names;
  seen.add(file);
  const text = withoutComments(await readFile(file, 'utf8'));
  const declaration = /\bexport\s+(?:declare\s+)?(?:abstract\s+)?(?:const|let|var|function|class|interface|type|enum|namespace)\s+([A-Za-z_$][\w$]*)/g;
  for (const [, name] of text.matchAll(declaration)) names.add(name);
  for (const [, list] of text.matchAll(/\bexport\s+(?:type\s+)?\{([^}]*)\}/g)) for (const name of braceNames(list, true)) names.add(name);
  for (const [, name] of text.matchAll(/\bexport\s+\*\s+as\s+([A-Za-z_$][\w$]*)/g)) names.add(name);
  if (/\bexport\s+default\b/.test(text)) names.add('default');
  for (const [, target] of text.matchAll(/\bexport\s+\*\s+from\s+['"](\.[^'"]+)['"]/g)) {
    const path = resolve(dirname(file), target.replace(/\.js$/, '.d.ts'));
    for (const name of await exportedNames(path, seen)) names.add(name);
  }
  return names;
}

/** The names a module's source imports from `specifier` (`import { a, type b } from '…'`). */
export function importedNames(source, specifier) {
  const names = new Set();
  const quoted = specifier.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  const imports = new RegExp(`\\bimport\\s+(?:type\\s+)?\\{([^}]*)\\}\\s*from\\s*['"]${quoted}['"]`, 'g');
  for (const [, list] of withoutComments(source).matchAll(imports)) for (const name of braceNames(list, false)) names.add(name);
  return names;
}

/** Fails unless the example imports every name the package exports. */
export async function assertUsesEveryExport(dir, name, example) {
  const exported = await exportedNames(await typesEntry(dir, name));
  assert.ok(exported.has('Provider') && exported.has('ModelInfo') && exported.has('ProviderError'), [...exported].join(', '));
  const imported = importedNames(example, name);
  const unused = [...exported].filter((n) => !imported.has(n)).sort();
  assert.deepEqual(unused, [], `the example does not import every export of ${name}`);
}

/** `tsc` (the package's pinned devDependency) in `dir` with `args`; fails with its output. */
export async function tsc(tscPath, dir, args) {
  await run(tscPath, args, { cwd: dir }).catch((e) => {
    throw new Error(`tsc ${args.join(' ')} failed:\n${e.stdout}${e.stderr}`);
  });
}
