// The package in Node (>= 20, global fetch) against the shared fake router:
// discovery, streaming as the body arrives without blocking the event loop,
// failover with its attempts, time limits, and the no-token proxy mode.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Provider, ProviderError } from '../src/index.js';
import { startRouter, MODELS, sse, completion, ROUTE_HEADERS } from './router.mjs';

const TOKEN = 'hf_browserTestToken0123456789abc';
const hello = (model) => ({ model, messages: [{ role: 'user', content: 'Hello' }] });
let router;

before(async () => {
  router = await startRouter();
});
after(() => router.stop());

test('discovery, merged with the configuration', async () => {
  await router.script({ models: { json: MODELS } });
  const config = '{ agents: { defaults: { models: { "huggingface/Qwen/Qwen3-8B": { alias: "Q" } } } } }';
  const provider = await Provider.create({ baseUrl: router.baseUrl, token: TOKEN, config });
  const { models, source, warning } = await provider.discover({ strict: true });
  assert.equal(source, 'discovered');
  assert.equal(warning, undefined);
  assert.deepEqual(models.map((m) => m.id), ['Qwen/Qwen3-8B', 'deepseek-ai/DeepSeek-R1']);
  assert.equal(models[0].contextWindow, 32768);
  assert.equal(models[0].defaulted.contextWindow, false);
  assert.equal(models[0].defaulted.maxTokens, true);
  const merged = await provider.models();
  assert.equal(merged.find((m) => m.id === 'Qwen/Qwen3-8B').alias, 'Q');
  const requests = await router.requests();
  assert.equal(requests[0].path, '/v1/models');
  assert.equal(requests[0].authorization, `Bearer ${TOKEN}`);
});

test('a stream yields events as the body arrives, and the event loop keeps ticking', async () => {
  const pieces = ['one ', 'two ', 'three ', 'four'];
  await router.script({
    'Qwen/Qwen3-8B': { chunks: sse(pieces, ['thinking']), 'chunk-delay-ms': 120, headers: ROUTE_HEADERS },
  });
  const provider = await Provider.create({ baseUrl: router.baseUrl, token: TOKEN });
  let ticks = 0;
  const timer = setInterval(() => ticks++, 10);
  const started = Date.now();
  const stream = await provider.stream(hello('huggingface/Qwen/Qwen3-8B'));
  const arrivals = [];
  for await (const event of stream) arrivals.push({ event, at: Date.now() - started });
  clearInterval(timer);
  const content = arrivals.filter((a) => a.event.type === 'content');
  // Pieces arrive as sent (text that could begin a piece of the token is held
  // back a little, so a piece may come split).
  assert.equal(content.map((a) => a.event.text).join(''), pieces.join(''));
  assert.ok(content.length >= pieces.length);
  assert.deepEqual(arrivals[0].event, { type: 'reasoning', text: 'thinking' });
  // Seven chunks 120 ms apart: the first content comes well before the last.
  assert.ok(content.at(-1).at - content[0].at >= 240, `content arrived at ${content.map((a) => a.at)}`);
  assert.ok(ticks >= 20, `the loop ticked ${ticks} times`);
  const response = await stream.response();
  assert.equal(response.content, 'one two three four');
  assert.equal(response.reasoning, 'thinking');
  assert.equal(response.finishReason, 'stop');
  assert.equal(response.requestId, 'req-browser');
  assert.equal(response.provider, 'groq');
  const [sent] = await router.requests();
  assert.equal(sent.accept, 'text/event-stream');
  assert.equal(sent.body.stream, true);
});

test('failover moves past 429 and 402 and reports every attempt', async () => {
  const busy = { status: 429, json: { error: 'busy' }, headers: [...ROUTE_HEADERS, ['retry-after', '7']] };
  const broke = { status: 402, json: { error: 'You have depleted your monthly included credits.' } };
  await router.script({ 'acme/A': busy, 'acme/B': broke, 'acme/C': { chunks: sse(['from C']) } });
  const provider = await Provider.create({ baseUrl: router.baseUrl, token: TOKEN });
  const { stream, attempts } = await provider.streamWithFailover(hello('huggingface/acme/A'), {
    candidates: ['huggingface/acme/A', 'huggingface/acme/B', 'huggingface/acme/C'],
  });
  assert.deepEqual(
    attempts.map((a) => [a.model, a.error?.kind]),
    [
      ['huggingface/acme/A', 'rate-limited'],
      ['huggingface/acme/B', 'payment-required'],
      ['huggingface/acme/C', undefined],
    ],
  );
  assert.ok(attempts[0].error instanceof ProviderError);
  assert.equal(attempts[0].error.retryAfterSecs, 7);
  assert.equal(attempts[0].error.requestId, 'req-browser');
  let text = '';
  for await (const event of stream) if (event.type === 'content') text += event.text;
  assert.equal(text, 'from C');
  // The models that failed cool down: the next run tries C first.
  await router.script({ 'acme/C': { json: completion('C again') } });
  const again = await provider.completeWithFailover(hello('huggingface/acme/A'), {
    candidates: ['huggingface/acme/A', 'huggingface/acme/B', 'huggingface/acme/C'],
  });
  assert.equal(again.response.content, 'C again');
  assert.deepEqual(again.attempts.map((a) => a.model), ['huggingface/acme/C']);
});

test('time limits abort the request and name the setting', async () => {
  await router.script({ 'Qwen/Qwen3-8B': { chunks: sse(['slow', 'er']), 'chunk-delay-ms': 1500 } });
  const provider = await Provider.create({ baseUrl: router.baseUrl, token: TOKEN, streamIdleMs: 300 });
  const stream = await provider.stream(hello('huggingface/Qwen/Qwen3-8B'));
  const seen = [];
  await assert.rejects(
    (async () => {
      for await (const event of stream) seen.push(event);
    })(),
    (e) => e instanceof ProviderError && e.kind === 'timeout' && /stream-idle-ms/.test(e.message),
  );
  assert.ok(seen.length >= 1 && 'slow'.startsWith(seen.map((e) => e.text).join('')), 'the first piece came before the stall');
});

test('close() while a read waits ends the loop and keeps the answer so far', async () => {
  await router.script({ 'Qwen/Qwen3-8B': { chunks: sse(['first ', 'never']), 'chunk-delay-ms': 5000 } });
  const provider = await Provider.create({ baseUrl: router.baseUrl, token: TOKEN });
  const stream = await provider.stream(hello('huggingface/Qwen/Qwen3-8B'));
  const started = Date.now();
  let text = '';
  for await (const event of stream) {
    if (event.type === 'content') {
      text += event.text;
      setTimeout(() => stream.close(), 100);
    }
  }
  assert.ok(Date.now() - started < 4000, 'the loop ended before the next chunk');
  assert.equal(text, 'first ');
  assert.equal((await stream.response()).content, 'first ');
});

test('responses the caller received itself: parsed, decoded, or their typed error', async () => {
  const provider = await Provider.create({ token: TOKEN });
  const model = 'huggingface/Qwen/Qwen3-8B';
  const answer = await provider.parseResponse(model, { status: 200, headers: ROUTE_HEADERS, body: JSON.stringify(completion('sans-IO')) });
  assert.equal(answer.content, 'sans-IO');
  assert.equal(answer.requestId, 'req-browser');
  await assert.rejects(provider.parseResponse(model, { status: 402, body: '{"error":"credits"}' }), {
    name: 'ProviderError',
    kind: 'payment-required',
    status: 402,
  });
  const decoder = await provider.decodeStream(model, ROUTE_HEADERS);
  const body = sse(['de', 'coded']).join('');
  const events = [...decoder.feed(body.slice(0, 50)), ...decoder.feed(new TextEncoder().encode(body.slice(50))), ...decoder.finish()];
  assert.equal(events.filter((e) => e.type === 'content').map((e) => e.text).join(''), 'decoded');
  assert.equal(decoder.isDone, true);
  assert.equal(decoder.response().provider, 'groq');
  const cut = await provider.decodeStream(model);
  cut.feed(sse(['cut']).slice(0, 1).join(''));
  assert.throws(() => cut.finish(), { name: 'ProviderError', kind: 'truncated-stream' });
});

test('errors are ProviderErrors with their kind and details', async () => {
  await router.script({ 'Qwen/Qwen3-8B': { status: 401, json: { error: 'Invalid credentials' }, headers: ROUTE_HEADERS } });
  const provider = await Provider.create({ baseUrl: router.baseUrl, token: TOKEN });
  await assert.rejects(provider.complete(hello('huggingface/Qwen/Qwen3-8B')), {
    name: 'ProviderError',
    kind: 'unauthorized',
    status: 401,
    requestId: 'req-browser',
  });
  await assert.rejects(provider.parseModelRef('openai/gpt-4o/mini'), { kind: 'invalid-model-ref' });
  await assert.rejects(Provider.create({ baseUrl: 'ftp://x' }), { kind: 'config' });
  const unreachable = await Provider.create({ baseUrl: 'http://127.0.0.1:9/v1', token: TOKEN });
  await assert.rejects(unreachable.complete(hello('huggingface/Qwen/Qwen3-8B')), { kind: 'transport' });
});

test('without a token nothing is sent, unless a proxy adds the token', async () => {
  await router.script({ models: { json: MODELS }, 'Qwen/Qwen3-8B': { json: completion('via proxy') } });
  const none = await Provider.create({ baseUrl: router.baseUrl });
  assert.equal((await none.discover()).source, 'builtin');
  await assert.rejects(none.complete(hello('huggingface/Qwen/Qwen3-8B')), { kind: 'unauthorized' });
  assert.equal((await router.requests()).length, 0);

  const proxied = await Provider.create({ baseUrl: router.baseUrl, proxyAddsToken: true });
  assert.equal((await proxied.discover()).source, 'discovered');
  assert.equal((await proxied.complete(hello('huggingface/Qwen/Qwen3-8B'))).content, 'via proxy');
  const requests = await router.requests();
  assert.equal(requests.length, 2);
  assert.ok(requests.every((r) => r.authorization === null));
});
