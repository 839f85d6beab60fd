// The packed tarball as a user gets it: installed with npm in a temporary
// directory, it runs the README's Node snippet against the fake router. (Its
// types under `tsc --strict`: types.test.mjs.)

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, writeFile, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { startRouter, sse, MODELS_BODY } from './fake-router.mjs';

const run = promisify(execFile);
const packageDir = fileURLToPath(new URL('..', import.meta.url));
const readme = fileURLToPath(new URL('../../../README.md', import.meta.url));

/** The tarball `scripts/node-package` packed, or a fresh `npm pack`. */
async function tarball() {
  const given = process.env.HF_PROVIDER_NODE_TARBALL;
  if (given) return given;
  const dir = await mkdtemp(join(tmpdir(), 'hf-pack-'));
  const { stdout } = await run('npm', ['pack', '--silent', '--pack-destination', dir], { cwd: packageDir });
  return join(dir, stdout.trim().split('\n').at(-1));
}

/** The first ```js block after the "Use it from Node" heading. */
async function nodeSnippet() {
  const text = await readFile(readme, 'utf8');
  const section = text.slice(text.indexOf('### Use it from Node'));
  const match = section.match(/```js\n([\s\S]*?)```/);
  assert.ok(match, 'the README has a Node snippet');
  return match[1];
}

test('the packed package installs and runs the README snippet', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'hf-install-'));
  await writeFile(join(dir, 'package.json'), JSON.stringify({ name: 'try-it', private: true, type: 'module' }));
  await run('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error', await tarball()], { cwd: dir });
  await writeFile(join(dir, 'snippet.mjs'), await nodeSnippet());

  const router = await startRouter({ models: { json: MODELS_BODY }, 'Qwen/Qwen3-8B:cheapest': { chunks: sse(['Hel', 'lo!']) } });
  t.after(() => router.close());
  const { stdout } = await run(process.execPath, ['snippet.mjs'], {
    cwd: dir,
    env: { PATH: process.env.PATH, HOME: dir, HF_TOKEN: 'hf_snippetToken0123456789', HF_BASE_URL: router.baseUrl },
  });
  assert.match(stdout, /^huggingface\/Qwen\/Qwen3-8B Qwen3 8B$/m);
  assert.match(stdout, /^huggingface\/deepseek-ai\/DeepSeek-R1 DeepSeek R1$/m);
  assert.match(stdout, /^Hello!$/m);
  assert.deepEqual(router.requests.map((r) => `${r.method} ${r.url}`), ['GET /v1/models', 'POST /v1/chat/completions']);

  const installed = await readdir(join(dir, 'node_modules', 'huggingface-provider', 'component'));
  assert.ok(installed.includes('huggingface_provider.core.wasm'));
});
