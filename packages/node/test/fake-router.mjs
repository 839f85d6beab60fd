// A local stand-in for the router, on 127.0.0.1: it serves API-shaped replies
// scripted per test and records every request it received.

import { createServer } from 'node:http';

export const MODELS_BODY = {
  object: 'list',
  data: [
    {
      id: 'Qwen/Qwen3-8B',
      object: 'model',
      owned_by: 'Qwen',
      providers: [
        { provider: 'groq', status: 'live', context_length: 32768, supports_tools: true, pricing: { input: 0.1, output: 0.2 } },
        { provider: 'novita', status: 'error' },
      ],
    },
    { id: 'deepseek-ai/DeepSeek-R1', object: 'model', owned_by: 'deepseek-ai', providers: [{ provider: 'together', status: 'live' }] },
  ],
};

/** An SSE body of reasoning pieces, content pieces, a finish reason, usage and `[DONE]`, one event per string. */
export function sse(pieces, reasoning = []) {
  const delta = (d) => ({ choices: [{ index: 0, delta: d, finish_reason: null }] });
  const events = [...reasoning.map((text) => delta({ reasoning_content: text })), ...pieces.map((text) => delta({ content: text }))];
  events.push({ choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] });
  events.push({ choices: [], usage: { prompt_tokens: 3, completion_tokens: pieces.length, total_tokens: 3 + pieces.length } });
  return events.map((e) => `data: ${JSON.stringify(e)}\n\n`).concat('data: [DONE]\n\n');
}

export function completion(text) {
  return {
    id: 'c1',
    object: 'chat.completion',
    choices: [{ index: 0, message: { role: 'assistant', content: text }, finish_reason: 'stop' }],
    usage: { prompt_tokens: 3, completion_tokens: 2, total_tokens: 5 },
  };
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Starts the router. `replies` maps a model id (chat) or `models` (discovery) to
 * `{status, headers, json | chunks, delayMs, chunkDelayMs}`; unknown models get 404.
 */
export async function startRouter(replies = {}) {
  const requests = [];
  const server = createServer(async (req, res) => {
    const chunks = [];
    for await (const chunk of req) chunks.push(chunk);
    const body = Buffer.concat(chunks).toString('utf8');
    requests.push({ method: req.method, url: req.url, headers: req.headers, body });
    let key = 'models';
    if (req.url.endsWith('/chat/completions')) {
      try {
        key = JSON.parse(body).model;
      } catch {
        key = undefined;
      }
    }
    const reply = replies[key] ?? { status: 404, json: { error: { message: `no model ${key}` } } };
    if (reply.delayMs) await sleep(reply.delayMs);
    const headers = { 'x-request-id': 'req-node', 'x-inference-provider': 'groq', ...reply.headers };
    if (reply.chunks) {
      res.writeHead(reply.status ?? 200, { 'content-type': 'text/event-stream', ...headers });
      for (const piece of reply.chunks) {
        res.write(piece);
        if (reply.chunkDelayMs) await sleep(reply.chunkDelayMs);
      }
      res.end();
    } else {
      res.writeHead(reply.status ?? 200, { 'content-type': 'application/json', ...headers });
      res.end(JSON.stringify(reply.json ?? MODELS_BODY));
    }
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    requests,
    replies,
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}
