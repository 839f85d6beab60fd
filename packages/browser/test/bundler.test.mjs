// The packed tarball through a bundler: installed in a temporary app, built by
// Vite (which finds the `.wasm` from `new URL(…, import.meta.url)` and emits it
// as an asset), and the bundle opened in headless Chromium, where it discovers
// the fake router's models and streams a chat.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createServer } from 'node:http';
import { mkdtemp, writeFile, readFile, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, extname } from 'node:path';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { startRouter, MODELS, sse } from './router.mjs';

const run = promisify(execFile);
const packageDir = fileURLToPath(new URL('..', import.meta.url));
const TYPES = { '.html': 'text/html', '.js': 'text/javascript', '.wasm': 'application/wasm' };

const APP = `
import { Provider } from 'huggingface-provider-browser';

const params = new URLSearchParams(location.search);
const provider = await Provider.create({ baseUrl: params.get('baseUrl'), token: params.get('token') });
const models = await provider.models();
const stream = await provider.stream({ model: models[0].reference, messages: [{ role: 'user', content: 'hi' }] });
let text = '';
for await (const event of stream) if (event.type === 'content') text += event.text;
document.body.dataset.result = JSON.stringify({ models: models.map((m) => m.id), text });
`;

function serve(dir) {
  const server = createServer(async (req, res) => {
    const path = new URL(req.url, 'http://app').pathname;
    try {
      const body = await readFile(join(dir, path === '/' ? 'index.html' : path));
      res.writeHead(200, { 'content-type': TYPES[extname(path)] ?? 'text/html' }).end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

test('a Vite bundle of the package runs in Chromium', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'hf-bundle-'));
  await writeFile(join(dir, 'package.json'), JSON.stringify({ name: 'app', private: true, type: 'module' }));
  const tarball = process.env.HF_PROVIDER_BROWSER_TARBALL;
  assert.ok(tarball, 'scripts/browser-package passes the tarball');
  await run('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error', tarball], { cwd: dir });
  await writeFile(join(dir, 'index.html'), '<!doctype html><meta charset="utf-8"><script type="module" src="./main.js"></script>');
  await writeFile(join(dir, 'main.js'), APP);
  const vite = join(packageDir, 'node_modules', '.bin', 'vite');
  await run(vite, ['build', '--logLevel', 'error', '--target', 'es2022'], { cwd: dir });
  const assets = await readdir(join(dir, 'dist', 'assets'));
  assert.ok(assets.some((f) => f.endsWith('.wasm')), `Vite emitted the .wasm: ${assets}`);

  const router = await startRouter();
  const app = await serve(join(dir, 'dist'));
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  t.after(async () => {
    await browser.close();
    app.close();
    router.stop();
  });
  await router.script({ models: { json: MODELS }, 'Qwen/Qwen3-8B': { chunks: sse(['bund', 'led']) } });
  const page = await browser.newPage();
  page.on('pageerror', (e) => console.error('page error:', e));
  const query = new URLSearchParams({ baseUrl: router.baseUrl, token: 'hf_bundleTestToken0123456789' });
  await page.goto(`http://127.0.0.1:${app.address().port}/?${query}`);
  await page.waitForFunction(() => document.body.dataset.result);
  const result = JSON.parse(await page.evaluate(() => document.body.dataset.result));
  assert.deepEqual(result, { models: ['Qwen/Qwen3-8B', 'deepseek-ai/DeepSeek-R1'], text: 'bundled' });
});
