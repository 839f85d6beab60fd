// The shared fake router (host-tests/vectors/fake_router.py) in its own
// process, on 127.0.0.1, with CORS: what every test here talks to.

import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

export const VECTORS = new URL('../../../host-tests/vectors/', import.meta.url);

export async function startRouter() {
  const child = spawn('python3', [fileURLToPath(new URL('fake_router.py', VECTORS))], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const { value: origin } = await lines.next();
  return {
    origin,
    baseUrl: `${origin}/v1`,
    /** Sets the replies (`models`, or by request model) and forgets the requests seen. */
    async script(replies) {
      await fetch(`${origin}/_script`, { method: 'POST', body: JSON.stringify({ replies }) });
    },
    /** What the router received since the last script. */
    async requests() {
      return (await fetch(`${origin}/_requests`)).json();
    },
    stop() {
      child.stdin.end();
    },
  };
}

export const MODELS = {
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

/** SSE chunks: reasoning pieces, content pieces, a finish reason, usage and `[DONE]`, one event per chunk. */
export function sse(pieces, reasoning = []) {
  const delta = (d) => ({ choices: [{ index: 0, delta: d, finish_reason: null }] });
  const events = [
    ...reasoning.map((text) => delta({ reasoning_content: text })),
    ...pieces.map((text) => delta({ content: text })),
    { choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] },
    { choices: [], usage: { prompt_tokens: 3, completion_tokens: pieces.length, total_tokens: 3 + pieces.length } },
  ];
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

export const ROUTE_HEADERS = [
  ['x-request-id', 'req-browser'],
  ['x-inference-provider', 'groq'],
];
