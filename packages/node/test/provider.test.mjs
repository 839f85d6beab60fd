// The Node API against a fake router served from this same thread: if a call
// blocked the event loop, the router could not answer it at all.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Provider, ProviderError, ChatStream } from '../src/index.js';
import { startRouter, sse, completion, MODELS_BODY } from './fake-router.mjs';

const TOKEN = 'hf_nodeTestToken0123456789abcdef';
const hello = (model) => ({ model, messages: [{ role: 'user', content: 'Hello' }] });

test('discovery, merged with the configuration, through the component', async (t) => {
  const router = await startRouter({ models: { json: MODELS_BODY } });
  const config = '{ agents: { defaults: { models: { "huggingface/Qwen/Qwen3-8B": { alias: "Q" } } } } }';
  const provider = await Provider.create({ baseUrl: router.baseUrl, token: TOKEN, config });
  t.after(() => Promise.all([provider.close(), router.close()]));
  const { models, source, warning } = await provider.discover({ strict: true });
  assert.equal(source, 'discovered');
  assert.equal(warning, undefined);
  assert.deepEqual(models.map((m) => m.id), ['Qwen/Qwen3-8B', 'deepseek-ai/DeepSeek-R1']);
  assert.equal(models[0].contextWindow, 32768);
  assert.deepEqual(models[0].routes.map((r) => [r.provider, r.status]), [['groq', 'live'], ['novita', 'error']]);
  const merged = await provider.models();
  assert.equal(merged.find((m) => m.id === 'Qwen/Qwen3-8B').alias, 'Q');
  const [request] = router.requests;
  assert.equal(request.method, 'GET');
  assert.equal(request.url, '/v1/models');
  assert.equal(request.headers.authorization, `Bearer ${TOKEN}`);
});

test('without a token nothing is sent and the built-in catalog comes back', async (t) => {
  const router = await startRouter();
  const provider = await Provider.create({ baseUrl: router.baseUrl, token: null });
  t.after(() => Promise.all([provider.close(), router.close()]));
  const { source, models } = await provider.discover();
  assert.equal(source, 'builtin');
  assert.equal(models.length, 11);
  assert.equal(router.requests.length, 0);
  await assert.rejects(provider.complete(hello('huggingface/Qwen/Qwen3-8B')), { name: 'ProviderError', kind: 'unauthorized' });
});

test('the event loop keeps ticking during a response that takes 600 ms', async (t) => {
  const router = await startRouter({ 'Qwen/Qwen3-8B': { json: completion('late'), delayMs: 600 } });
  const provider = await Provider.create({ baseUrl: router.baseUrl, token: TOKEN });
  t.after(() => Promise.all([provider.close(), router.close()]));
  let ticks = 0;
  const timer = setInterval(() => ticks++, 10);
  const response = await provider.complete(hello('huggingface/Qwen/Qwen3-8B'));
  clearInterval(timer);
  assert.equal(response.content, 'late');
  assert.equal(response.provider, 'groq');
  assert.equal(response.requestId, 'req-node');
  // A blocked loop would tick 0 times; any scheduler gives far more than 5 in 600 ms.
  assert.ok(ticks >= 5, `the loop ticked ${ticks} times`);
});

test('a stream yields events as they arrive, then its assembled response', async (t) => {
  const router = await startRouter({ 'Qwen/Qwen3-8B:groq': { chunks: sse(['Hel', 'lo', ' world']), chunkDelayMs: 150 } });
  const provider = await Provider.create({ baseUrl: router.baseUrl, token: TOKEN });
  t.after(() => Promise.all([provider.close(), router.close()]));
  const started = Date.now();
  const stream = await provider.stream(hello('huggingface/Qwen/Qwen3-8B:groq'));
  assert.ok(stream instanceof ChatStream);
  const seen = [];
  for await (const event of stream) seen.push({ ...event, at: Date.now() - started });
  const content = seen.filter((e) => e.type === 'content');
  assert.deepEqual(content.map((e) => e.text).join(''), 'Hello world');
  // Incremental: the first piece came well before the last (150 ms apart on the wire).
  assert.ok(content.at(-1).at - content[0].at >= 100, JSON.stringify(seen));
  assert.deepEqual(seen.find((e) => e.type === 'finish'), { type: 'finish', reason: 'stop', at: seen.find((e) => e.type === 'finish').at });
  const response = await stream.response();
  assert.equal(response.content, 'Hello world');
  assert.equal(response.usage.completionTokens, 3);
  const body = JSON.parse(router.requests[0].body);
  assert.equal(body.model, 'Qwen/Qwen3-8B:groq');
  assert.equal(body.stream, true);
});

test('errors are ProviderErrors with kind, status, request id, provider and retry delay', async (t) => {
  const router = await startRouter({
    'Qwen/Qwen3-8B': { status: 429, headers: { 'retry-after': '7' }, json: { error: 'slow down' } },
  });
  const provider = await Provider.create({ baseUrl: router.baseUrl, token: TOKEN });
  t.after(() => Promise.all([provider.close(), router.close()]));
  const error = await provider.complete(hello('huggingface/Qwen/Qwen3-8B')).catch((e) => e);
  assert.ok(error instanceof ProviderError);
  assert.ok(error instanceof Error);
  assert.equal(error.kind, 'rate-limited');
  assert.equal(error.status, 429);
  assert.equal(error.requestId, 'req-node');
  assert.equal(error.provider, 'groq');
  assert.equal(error.retryAfterSecs, 7);
  assert.match(error.message, /slow down/);
  assert.equal(await provider.failoverReason(error), 'rate-limit');
  assert.ok(!error.message.includes(TOKEN));
  await assert.rejects(provider.parseModelRef('openai/gpt-4o/x'), { kind: 'invalid-model-ref' });
});

test('failover moves past 402 and 429 and reports every attempt', async (t) => {
  const router = await startRouter({
    'acme/Primary': { status: 402, json: { error: 'You have depleted your monthly included credits.' } },
    'acme/Second': { status: 429, json: { error: 'busy' } },
    'acme/Third': { json: completion('third time lucky') },
  });
  const config = JSON.stringify({
    agents: { defaults: { model: { primary: 'huggingface/acme/Primary', fallbacks: ['huggingface/acme/Second', 'huggingface/acme/Third'] } } },
  });
  const provider = await Provider.create({ baseUrl: router.baseUrl, token: TOKEN, config });
  t.after(() => Promise.all([provider.close(), router.close()]));
  const { response, attempts } = await provider.completeWithFailover(hello('huggingface/acme/Primary'));
  assert.equal(response.content, 'third time lucky');
  assert.deepEqual(
    attempts.map((a) => [a.model, a.error?.kind]),
    [['huggingface/acme/Primary', 'payment-required'], ['huggingface/acme/Second', 'rate-limited'], ['huggingface/acme/Third', undefined]],
  );
  assert.ok(attempts[0].error instanceof ProviderError);
  // The models that failed cool down: the next run tries them after the others.
  const cooled = await provider.completeWithFailover(hello('huggingface/acme/Primary'));
  assert.deepEqual(cooled.attempts.map((a) => a.model), ['huggingface/acme/Third']);
  // A 400 stops the run: the error comes back with the attempts so far.
  router.replies['acme/Bad'] = { status: 400, json: { error: 'bad request' } };
  const stopped = await provider
    .completeWithFailover(hello('huggingface/acme/Bad'), { candidates: ['huggingface/acme/Bad', 'huggingface/acme/Third'] })
    .catch((e) => e);
  assert.ok(stopped instanceof ProviderError);
  assert.equal(stopped.kind, 'bad-request');
  assert.deepEqual(stopped.attempts.map((a) => [a.model, a.error?.kind]), [['huggingface/acme/Bad', 'bad-request']]);
});

test('streams fail over too, and the component reaches no other origin', async (t) => {
  const router = await startRouter({
    'acme/Down': { status: 503, json: { error: 'loading' } },
    'acme/Up': { chunks: sse(['ok']) },
  });
  const provider = await Provider.create({ baseUrl: router.baseUrl, token: TOKEN });
  t.after(() => Promise.all([provider.close(), router.close()]));
  const { stream, attempts } = await provider.streamWithFailover(hello('huggingface/acme/Down'), {
    candidates: ['huggingface/acme/Down', 'huggingface/acme/Up'],
  });
  let text = '';
  for await (const event of stream) if (event.type === 'content') text += event.text;
  assert.equal(text, 'ok');
  assert.deepEqual(attempts.map((a) => a.error?.kind), ['overloaded', undefined]);
});

test('the router is reached by name, and a bad base URL is a config error', async (t) => {
  const router = await startRouter({ 'acme/Up': { json: completion('x') } });
  t.after(() => router.close());
  // The worker allows the base URL's origin as written (here a host name).
  const provider = await Provider.create({ baseUrl: router.baseUrl.replace('127.0.0.1', 'localhost'), token: TOKEN });
  t.after(() => provider.close());
  const ok = await provider.complete(hello('huggingface/acme/Up'));
  assert.equal(ok.content, 'x');
  const elsewhere = await Provider.create({ baseUrl: 'ftp://example.com', token: TOKEN });
  t.after(() => elsewhere.close());
  await assert.rejects(elsewhere.discover({ strict: true }), { kind: 'config' });
});

test('the token is resolved from the environment, then the token file', async (t) => {
  const router = await startRouter({ models: { json: MODELS_BODY } });
  t.after(() => router.close());
  const dir = await mkdtemp(join(tmpdir(), 'hf-token-'));
  await writeFile(join(dir, 'token'), '  hf_fromTheTokenFile0123456789\n');
  const fromFile = await Provider.create({ baseUrl: router.baseUrl, env: { HF_HOME: dir } });
  t.after(() => fromFile.close());
  await fromFile.discover({ strict: true });
  assert.equal(router.requests.at(-1).headers.authorization, 'Bearer hf_fromTheTokenFile0123456789');
  const fromEnv = await Provider.create({ baseUrl: router.baseUrl, env: { HF_TOKEN: 'hf_b', HUGGINGFACE_HUB_TOKEN: 'hf_a', HF_HOME: dir } });
  t.after(() => fromEnv.close());
  await fromEnv.discover({ strict: true });
  assert.equal(router.requests.at(-1).headers.authorization, 'Bearer hf_a');
});
