// The plugin's caches stay bounded (cache.js), without OpenClaw or the
// component: the classes by themselves, and the plugin's files (as its
// package.json lists them) loaded beside stand-ins for `openclaw` and
// `huggingface-provider`, driven through the hooks OpenClaw calls. Fast: no
// install, no worker threads.

import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFile, mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { LruMap, MAX_PREPARED_MODELS, MAX_PROVIDERS, ProviderPool } from '../cache.js';

const pluginDir = fileURLToPath(new URL('..', import.meta.url));
const settle = () => new Promise((resolve) => setImmediate(resolve));

test('an LruMap holds at most its maximum, dropping the least recently used', () => {
  const dropped = [];
  const map = new LruMap(8, (value, key) => dropped.push([key, value]));
  for (let i = 0; i < 10_000; i++) {
    map.set(`key-${i}`, i);
    if (i % 4 === 0) map.get('key-0'); // read often: kept
    assert.ok(map.size <= 8);
  }
  assert.equal(map.size, 8);
  assert.equal(map.get('key-0'), 0);
  assert.equal(map.get('key-9999'), 9999);
  assert.equal(map.get('key-9992'), undefined);
  assert.equal(dropped.length, 10_000 - 8);
  assert.deepEqual(dropped[0], ['key-1', 1]);
  // Setting a kept key again does not grow it; peek leaves the order alone.
  map.set('key-9999', 'again');
  assert.equal(map.size, 8);
  assert.equal(map.peek('key-9993'), 9993);
  assert.throws(() => new LruMap(0), RangeError);
});

/** A stand-in provider that records whether it was closed. */
function fakeProvider(key) {
  return { key, closed: false, close() { this.closed = true; } };
}

test('a ProviderPool keeps at most its maximum, closing the dropped ones', async () => {
  const pool = new ProviderPool(MAX_PROVIDERS);
  const made = [];
  const start = (key) => () => {
    const provider = fakeProvider(key);
    made.push(provider);
    return provider;
  };
  for (let i = 0; i < 500; i++) await pool.use(`key-${i}`, start(`key-${i}`), () => {});
  await settle();
  assert.equal(pool.size, MAX_PROVIDERS);
  assert.equal(made.length, 500);
  assert.equal(made.filter((p) => !p.closed).length, MAX_PROVIDERS);
  assert.deepEqual(made.filter((p) => !p.closed).map((p) => p.key), made.slice(-MAX_PROVIDERS).map((p) => p.key));
  // A kept key is reused, not started again.
  await pool.use('key-499', start('key-499'), (provider) => assert.equal(provider, made.at(-1)));
  assert.equal(made.length, 500);
});

test('a ProviderPool closes a dropped provider only when its last call has ended', async () => {
  const pool = new ProviderPool(2);
  const busy = fakeProvider('busy');
  let release;
  const running = pool.use('busy', () => busy, () => new Promise((resolve) => (release = resolve)));
  await settle();
  for (let i = 0; i < 10; i++) await pool.use(`other-${i}`, () => fakeProvider(i), () => {});
  await settle();
  assert.equal(pool.size, 2);
  assert.equal(busy.closed, false, 'dropped while in use: still open');
  release('done');
  assert.equal(await running, 'done');
  await settle();
  assert.equal(busy.closed, true);
});

test('a ProviderPool does not keep a provider that failed to start', async () => {
  const pool = new ProviderPool(2);
  await assert.rejects(pool.use('k', () => Promise.reject(new Error('no start')), () => {}), /no start/);
  await settle();
  assert.equal(pool.size, 0);
  assert.equal(await pool.use('k', () => fakeProvider('k'), (provider) => provider.key), 'k');
});

// The plugin itself, with stand-ins.

const OPENCLAW_STUB = `export const createProviderApiKeyAuthMethod = (options) => options;`;

const PROVIDER_STUB = `
export const providers = [];
export class Provider {
  static async create(options) {
    const provider = new Provider(options);
    providers.push(provider);
    return provider;
  }
  constructor(options) {
    this.options = options;
    this.closed = false;
  }
  async models() {
    return [model('listed/Model-' + JSON.parse(this.options.config).n)];
  }
  async builtinCatalog() {
    return [model('builtin/Base')];
  }
  async parseModelRef(reference) {
    const id = reference.slice('huggingface/'.length);
    return { model: id.split(':')[0], normalized: reference };
  }
  async displayName(reference) {
    return 'Name of ' + reference;
  }
  async stream() {
    const gate = globalThis.streamGate;
    return {
      async *[Symbol.asyncIterator]() {
        await gate;
        yield { type: 'content', text: 'hi' };
        yield { type: 'finish', reason: 'stop' };
      },
      async response() {
        return { toolCalls: [] };
      },
      close() {},
    };
  }
  async failoverReason() {
    return 'timeout';
  }
  async close() {
    this.closed = true;
  }
}
function model(id) {
  return { id, name: id, reasoning: false, input: ['text'], contextWindow: 4096, maxTokens: 1024, cost: { input: 0, output: 0, cacheRead: 0, cacheWrite: 0 } };
}
`;

let hooks;
let fakes;

before(async () => {
  const dir = await mkdtemp(join(tmpdir(), 'hf-openclaw-unit-'));
  const manifest = JSON.parse(await readFile(join(pluginDir, 'package.json'), 'utf8'));
  for (const file of ['package.json', ...manifest.files]) await copyFile(join(pluginDir, file), join(dir, file));
  const stub = async (name, exports, source) => {
    const root = join(dir, 'node_modules', name);
    await mkdir(root, { recursive: true });
    await writeFile(join(root, 'package.json'), JSON.stringify({ name, type: 'module', exports }));
    await writeFile(join(root, 'stub.js'), source);
  };
  await stub('openclaw', { './plugin-sdk/provider-auth': './stub.js' }, OPENCLAW_STUB);
  await stub('huggingface-provider', { '.': './stub.js' }, PROVIDER_STUB);
  const plugin = (await import(pathToFileURL(join(dir, manifest.main)).href)).default;
  plugin.register({ pluginConfig: undefined, registerProvider: (provider) => (hooks = provider) });
  fakes = (await import(pathToFileURL(join(dir, 'node_modules', 'huggingface-provider', 'stub.js')).href)).providers;
});

/** An OpenClaw configuration; `n` makes each distinct. */
const configuration = (n) => ({ n, plugins: { entries: { huggingface: { config: { baseUrl: 'http://127.0.0.1:9/v1' } } } } });
const catalogRun = (config) => hooks.catalog.run({ config, resolveProviderApiKey: () => ({ apiKey: 'HF_TOKEN', discoveryApiKey: 'hf_test' }) });
const open = () => fakes.filter((p) => !p.closed);

test('the plugin keeps at most MAX_PROVIDERS components, however many configurations it sees', async () => {
  const before = fakes.length;
  for (let n = 0; n < 100; n++) {
    const { provider } = await catalogRun(configuration(n));
    assert.equal(provider.models[0].id, `listed/Model-${n}`);
  }
  await settle();
  assert.equal(fakes.length - before, 100);
  assert.ok(open().length <= MAX_PROVIDERS, `${open().length} open`);
  // The catalog's models resolve synchronously; the same configuration reuses its component.
  assert.equal(hooks.resolveDynamicModel({ modelId: 'listed/Model-99', config: configuration(99) })?.id, 'listed/Model-99');
  await catalogRun(configuration(99));
  assert.equal(fakes.length - before, 100);
});

test('the plugin keeps at most MAX_PREPARED_MODELS prepared models, the most recently used', async () => {
  const config = configuration('prepared');
  const count = MAX_PREPARED_MODELS * 4;
  for (let i = 0; i < count; i++) {
    const model = await hooks.prepareDynamicModel({ modelId: `acme/Model-${i}:groq`, config });
    assert.equal(model.id, `acme/Model-${i}:groq`);
    if (i % 10 === 0) assert.ok(hooks.resolveDynamicModel({ modelId: 'acme/Model-0:groq', config })); // used: kept
  }
  const resolved = [];
  for (let i = 0; i < count; i++) if (hooks.resolveDynamicModel({ modelId: `acme/Model-${i}:groq`, config })) resolved.push(i);
  assert.ok(resolved.length <= MAX_PREPARED_MODELS, `${resolved.length} kept`);
  assert.ok(resolved.includes(0));
  assert.ok(resolved.includes(count - 1));
  assert.ok(!resolved.includes(1));
});

test('a chat in progress keeps its component open when later configurations push it out', async () => {
  let release;
  globalThis.streamGate = new Promise((resolve) => (release = resolve));
  const config = configuration('chatting');
  const model = { id: 'listed/Model-chatting', api: 'openai-completions', provider: 'huggingface', maxTokens: 1024 };
  const events = hooks.createStreamFn({ config })(model, { messages: [{ role: 'user', content: 'hi' }] }, { apiKey: 'hf_test' });
  await settle();
  const chatting = fakes.at(-1);
  for (let n = 0; n < MAX_PROVIDERS * 2; n++) await catalogRun(configuration(`push-${n}`));
  await settle();
  assert.equal(chatting.closed, false);
  release();
  const seen = [];
  for await (const event of events) seen.push(event.type);
  assert.equal(seen.at(-1), 'done');
  assert.equal((await events.result()).content[0].text, 'hi');
  await settle();
  assert.equal(chatting.closed, true);
  assert.ok(open().length <= MAX_PROVIDERS);
});
