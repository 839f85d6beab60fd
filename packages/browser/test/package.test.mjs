// The packed tarball as a user gets it: installed with npm in a temporary
// directory, imported by name from Node against the fake router. (Its types
// under `tsc --strict`: types.test.mjs.)

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, writeFile, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { startRouter, MODELS, sse } from './router.mjs';

const run = promisify(execFile);
const packageDir = fileURLToPath(new URL('..', import.meta.url));

/** The tarball `scripts/browser-package` packed, or a fresh `npm pack`. */
async function tarball() {
  const given = process.env.HF_PROVIDER_BROWSER_TARBALL;
  if (given) return given;
  const dir = await mkdtemp(join(tmpdir(), 'hf-pack-'));
  const { stdout } = await run('npm', ['pack', '--silent', '--pack-destination', dir], { cwd: packageDir });
  return join(dir, stdout.trim().split('\n').at(-1));
}

const USE = `
import { Provider } from 'huggingface-provider-browser';
const provider = await Provider.create({ baseUrl: process.argv[2], token: 'hf_packageTestToken0123456789' });
for (const model of await provider.models()) console.log(model.reference);
const stream = await provider.stream({ model: 'huggingface/Qwen/Qwen3-8B', messages: [{ role: 'user', content: 'hi' }] });
let text = '';
for await (const event of stream) if (event.type === 'content') text += event.text;
console.log(text);
`;

test('the packed package installs and runs from Node by name', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'hf-browser-install-'));
  await writeFile(join(dir, 'package.json'), JSON.stringify({ name: 'try-it', private: true, type: 'module' }));
  await run('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error', await tarball()], { cwd: dir });
  const installed = await readdir(join(dir, 'node_modules', 'huggingface-provider-browser', 'pkg'));
  assert.deepEqual(installed.sort(), ['huggingface_provider.js', 'huggingface_provider_bg.wasm']);

  const router = await startRouter();
  t.after(() => router.stop());
  await router.script({ models: { json: MODELS }, 'Qwen/Qwen3-8B': { chunks: sse(['Hel', 'lo!']) } });
  await writeFile(join(dir, 'use.mjs'), USE);
  const { stdout } = await run(process.execPath, ['use.mjs', router.baseUrl], { cwd: dir });
  assert.deepEqual(stdout.trim().split('\n'), ['huggingface/Qwen/Qwen3-8B', 'huggingface/deepseek-ai/DeepSeek-R1', 'Hello!']);
});
