// The package in headless Chromium (Debian's /usr/bin/chromium, driven by
// playwright-core): the demo page against the fake router on another origin
// (CORS), the README snippet through a same-origin proxy that adds the token,
// what a page gets when the router does not expose its headers, and the
// conformance vectors run in the page. The demo's screenshot is saved to
// target/browser-artifacts/demo.png.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { readFile, readdir, mkdir } from 'node:fs/promises';
import { extname } from 'node:path';
import { chromium } from 'playwright-core';
import { startRouter, MODELS, sse, completion, ROUTE_HEADERS, VECTORS } from './router.mjs';

const PACKAGE = new URL('../', import.meta.url);
const ROOT = new URL('../../../', import.meta.url);
const ARTIFACTS = new URL('target/browser-artifacts/', ROOT);
const TOKEN = 'hf_pageTestToken0123456789abcdefg';
const TYPES = { '.html': 'text/html', '.js': 'text/javascript', '.mjs': 'text/javascript', '.wasm': 'application/wasm', '.json': 'application/json' };

/** The README's browser snippet: the ```js block under "Use it in the browser". */
async function readmeSnippet() {
  const readme = await readFile(new URL('README.md', ROOT), 'utf8');
  const section = readme.split(/^## /m).find((s) => s.startsWith('Use it in the browser'));
  const block = section?.match(/```js\n([\s\S]*?)```/);
  assert.ok(block, 'README has a js block under "Use it in the browser"');
  return block[1];
}

const SNIPPET_PAGE = `<!doctype html><meta charset="utf-8">
<script type="importmap">{"imports": {"huggingface-provider-browser": "/src/index.js"}}</script>
<script type="module" src="/snippet.js"></script><body></body>`;

/**
 * The site: the package's files, the vectors under /vectors/, the README
 * snippet, and /hf-proxy/ forwarding to the router with the token added, as a
 * page's own server would.
 */
function startSite(router, snippet) {
  const server = createServer(async (req, res) => {
    const url = new URL(req.url, 'http://site');
    if (url.pathname.startsWith('/hf-proxy/')) {
      const chunks = [];
      for await (const chunk of req) chunks.push(chunk);
      const headers = { ...req.headers, authorization: `Bearer ${TOKEN}` };
      delete headers.host;
      const answer = await fetch(router.origin + url.pathname.slice('/hf-proxy'.length), {
        method: req.method,
        headers,
        body: req.method === 'GET' ? undefined : Buffer.concat(chunks),
      });
      res.writeHead(answer.status, Object.fromEntries(answer.headers));
      for await (const chunk of answer.body) res.write(chunk);
      return res.end();
    }
    let file;
    let body;
    if (url.pathname === '/snippet.html') body = SNIPPET_PAGE;
    else if (url.pathname === '/snippet.js') body = snippet;
    else if (url.pathname.startsWith('/vectors/')) file = new URL(url.pathname.slice(1).replace('vectors/', ''), VECTORS);
    else file = new URL(url.pathname.slice(1), PACKAGE);
    try {
      body ??= await readFile(file);
      const type = TYPES[extname(url.pathname)] ?? 'application/octet-stream';
      res.writeHead(200, { 'content-type': type });
      res.end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

let router;
let site;
let origin;
let browser;

before(async () => {
  router = await startRouter();
  site = await startSite(router, await readmeSnippet());
  origin = `http://127.0.0.1:${site.address().port}`;
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
});

after(async () => {
  await browser?.close();
  site?.close();
  router?.stop();
});

async function newPage() {
  const page = await browser.newPage();
  page.on('pageerror', (e) => console.error('page error:', e));
  return page;
}

const acme = (id) => ({ id, object: 'model', owned_by: 'acme', providers: [{ provider: 'groq', status: 'live' }] });

test('the demo lists models, streams a chat incrementally and shows failover attempts', async () => {
  const pieces = ['Streaming ', 'sends ', 'tokens ', 'as ', 'they ', 'come.'];
  await router.script({
    models: { json: { object: 'list', data: [acme('acme/A'), acme('acme/B'), acme('acme/C')] } },
    'acme/A': { status: 429, json: { error: 'busy' }, headers: [...ROUTE_HEADERS, ['retry-after', '30']] },
    'acme/B': { status: 402, json: { error: 'You have depleted your monthly included credits.' }, headers: ROUTE_HEADERS },
    'acme/C': { chunks: sse(pieces, ['The user ', 'wants one sentence.']), 'chunk-delay-ms': 150, headers: ROUTE_HEADERS },
  });
  const page = await newPage();
  await page.goto(`${origin}/demo/index.html?baseUrl=${encodeURIComponent(router.baseUrl)}`);
  // Without a token: the built-in catalog, and nothing sent.
  await page.waitForFunction(() => document.querySelectorAll('#model option').length > 0);
  assert.match(await page.textContent('#catalog-source'), /builtin/);
  await page.fill('#token', TOKEN);
  await page.click('#connect');
  await page.waitForFunction(() => document.querySelector('#catalog-source').textContent.includes('discovered'));
  const options = await page.$$eval('#model option', (list) => list.map((o) => o.value));
  assert.deepEqual(options, ['huggingface/acme/A', 'huggingface/acme/B', 'huggingface/acme/C']);

  await page.selectOption('#model', 'huggingface/acme/A');
  await page.fill('#fallbacks', 'huggingface/acme/B, huggingface/acme/C');
  // Record the answer's text each time it changes, with when.
  await page.evaluate(() => {
    window.snapshots = [];
    new MutationObserver(() => window.snapshots.push([Date.now(), document.querySelector('#answer').textContent]))
      .observe(document.querySelector('#answer'), { childList: true, characterData: true, subtree: true });
  });
  await page.click('#send');
  await page.waitForFunction(() => !document.querySelector('#send').disabled && document.querySelector('#usage').textContent);
  assert.equal(await page.textContent('#answer'), pieces.join(''));
  assert.equal(await page.textContent('#reasoning'), 'The user wants one sentence.');
  const attempts = await page.$$eval('#attempts li', (list) => list.map((li) => [li.className, li.textContent]));
  assert.deepEqual(attempts.map(([cls]) => cls), ['failed', 'failed', 'ok']);
  assert.match(attempts[0][1], /^huggingface\/acme\/A — rate-limited/);
  assert.match(attempts[1][1], /^huggingface\/acme\/B — payment-required/);
  assert.match(attempts[2][1], /^huggingface\/acme\/C — answered/);
  const snapshots = await page.evaluate(() => window.snapshots);
  const growing = snapshots.map(([, text]) => text).filter((text, i, all) => text && text !== all[i - 1]);
  assert.ok(growing.length >= pieces.length, `the answer grew ${growing.length} times`);
  assert.ok(snapshots.at(-1)[0] - snapshots[0][0] >= 500, 'the pieces arrived over time, not at once');
  await mkdir(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: new URL('demo.png', ARTIFACTS).pathname, fullPage: true });

  // A typed error, shown with its kind and details.
  await router.script({ 'acme/A': { status: 401, json: { error: 'Invalid credentials' }, headers: ROUTE_HEADERS } });
  await page.fill('#fallbacks', '');
  await page.click('#send');
  await page.waitForFunction(() => document.querySelector('#error').dataset.kind === 'unauthorized');
  assert.match(await page.textContent('#error .details'), /HTTP 401 · request req-browser · via groq/);
  await page.close();
});

test('the README snippet runs in a page, its token added by a same-origin proxy', async () => {
  await router.script({ models: { json: MODELS }, 'Qwen/Qwen3-8B': { chunks: sse(['Hello ', 'from ', 'the proxy']) } });
  const page = await newPage();
  await page.goto(`${origin}/snippet.html`);
  await page.waitForFunction(() => document.body.textContent.includes('the proxy'));
  assert.match(await page.textContent('body'), /Hello from the proxy/);
  const requests = await router.requests();
  assert.deepEqual(requests.map((r) => r.path), ['/v1/models', '/v1/chat/completions']);
  assert.ok(requests.every((r) => r.authorization === `Bearer ${TOKEN}`), 'the proxy added the token');
  await page.close();
});

test('a router that does not expose its headers hides the request id and retry delay from the page', async () => {
  const page = await newPage();
  await page.goto(`${origin}/demo/index.html`);
  const seen = async (expose) => {
    await router.script({
      'Qwen/Qwen3-8B': {
        status: 429, json: { error: 'busy' }, headers: [...ROUTE_HEADERS, ['retry-after', '7']], 'expose-headers': expose,
      },
    });
    return page.evaluate(async ([baseUrl, token]) => {
      const { Provider } = await import('/src/index.js');
      const provider = await Provider.create({ baseUrl, token });
      try {
        await provider.complete({ model: 'huggingface/Qwen/Qwen3-8B', messages: [{ role: 'user', content: 'hi' }] });
        return null;
      } catch (e) {
        return { kind: e.kind, status: e.status, requestId: e.requestId ?? null, provider: e.provider ?? null, retry: e.retryAfterSecs ?? null };
      }
    }, [router.baseUrl, TOKEN]);
  };
  assert.deepEqual(await seen(true), { kind: 'rate-limited', status: 429, requestId: 'req-browser', provider: 'groq', retry: 7 });
  assert.deepEqual(await seen(false), { kind: 'rate-limited', status: 429, requestId: null, provider: null, retry: null });
  await page.close();
});

test('every vector passes in Chromium through wasm-bindgen', async () => {
  const files = (await readdir(VECTORS)).filter((f) => f.endsWith('.json')).sort();
  const page = await newPage();
  await page.goto(`${origin}/demo/index.html`);
  const { passed, failed, failures } = await page.evaluate(
    async ([files, routerOrigin]) => {
      const wasm = await import('/pkg/huggingface_provider.js');
      const { load } = await import('/src/index.js');
      const { flatten, runVectors } = await import('/test/vectors.mjs');
      await load();
      const documents = await Promise.all(files.map(async (f) => (await fetch(`/vectors/${f}`)).json()));
      return runVectors(wasm, flatten(documents), routerOrigin);
    },
    [files, router.origin],
  );
  failures.forEach((f) => console.error(f));
  console.log(`browser-chromium: ${passed} passed, ${failed} failed`);
  assert.ok(passed >= 200, `only ${passed} vectors ran`);
  assert.equal(failed, 0);
  await page.close();
});
