// Type-checked with `tsc --strict` against the installed package (never run):
// every export and method, used as a TypeScript user would.

import {
  DEFAULT_BASE_URL,
  Provider,
  ProviderError,
  ChatStream,
  StreamDecoder,
  load,
  type Attempt,
  type ChatRequestInput,
  type ChatResponse,
  type Config,
  type Discovery,
  type ErrorKind,
  type FailoverReason,
  type HttpRequest,
  type ModelInfo,
  type ModelRef,
  type ProviderOptions,
  type RouteInfo,
  type StreamEvent,
} from 'huggingface-provider-browser';

export async function everything(): Promise<string[]> {
  await load(new URL('https://example.com/huggingface_provider_bg.wasm'));
  const options: ProviderOptions = {
    baseUrl: DEFAULT_BASE_URL,
    token: null,
    proxyAddsToken: false,
    timeoutMs: 5000,
    streamIdleMs: 10_000,
    config: '{}',
  };
  const provider: Provider = await Provider.create(options);
  const seen: string[] = [];
  const config: Config = provider.config;
  seen.push(String(config.fallbacks.length));

  const ref: ModelRef = await provider.parseModelRef('huggingface/Qwen/Qwen3-8B:cheapest');
  if (ref.route?.tag === 'policy') seen.push(ref.route.val);
  seen.push(await provider.normalizeModelRef('Qwen/Qwen3-8B'));

  const builtin: ModelInfo[] = await provider.builtinCatalog();
  const discovery: Discovery = await provider.discover({ strict: false });
  if (discovery.warning) seen.push(discovery.warning.kind);
  const models: ModelInfo[] = await provider.models();
  const projected = await provider.projectModels(new TextEncoder().encode('{"data":[]}'));
  const routes: RouteInfo[] = models.flatMap((m) => m.routes);
  seen.push(String(routes.length), String(builtin[0].defaulted.contextWindow));
  seen.push(await provider.displayName(builtin[0].reference, [...models, ...projected]));
  const parsed: Config = await provider.parseConfig('{ agents: {} }');
  const onboarded: string = await provider.onboard(null, builtin, { hasToken: parsed.primary === undefined });

  const request: ChatRequestInput = {
    model: 'huggingface/Qwen/Qwen3-8B',
    messages: [
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: [{ type: 'text', text: 'What is this?' }, { type: 'image-url', url: 'https://example.com/a.png', detail: 'low' }] },
    ],
    maxTokens: 64,
    seed: 7n,
    tools: [{ name: 'lookup', parameters: { type: 'object' } }],
    toolChoice: { function: 'lookup' },
    responseFormat: { jsonSchema: { name: 'answer', schema: { type: 'object' }, strict: true } },
    reasoningEffort: 'low',
  };
  const built: HttpRequest = await provider.buildRequest(request, { stream: true });
  seen.push(built.url, built.body, onboarded);
  const parsedResponse: ChatResponse = await provider.parseResponse(request.model, {
    status: 200,
    headers: [['x-request-id', 'r']],
    body: '{"choices":[]}',
  });
  const decoder: StreamDecoder = await provider.decodeStream(request.model, [['x-request-id', 'r']]);
  const decoded: StreamEvent[] = [...decoder.feed('data: [DONE]\n\n'), ...decoder.finish()];
  seen.push(parsedResponse.content, String(decoded.length), String(decoder.isDone), decoder.response().content);

  try {
    const answer: ChatResponse = await provider.complete(request);
    seen.push(answer.content, answer.finishReason);
  } catch (error) {
    if (error instanceof ProviderError) {
      const kind: ErrorKind = error.kind;
      const reason: FailoverReason | undefined = await provider.failoverReason(error);
      seen.push(String(reason));
      seen.push(kind, String(error.status), String(error.requestId), String(error.provider), String(error.retryAfterSecs));
    }
  }

  const stream: ChatStream = await provider.stream(request);
  for await (const event of stream) {
    const e: StreamEvent = event;
    if (e.type === 'content' || e.type === 'reasoning') seen.push(e.text);
    else if (e.type === 'tool-call') seen.push(e.arguments);
    else if (e.type === 'usage') seen.push(String(e.totalTokens));
    else seen.push(e.reason);
  }
  seen.push((await stream.response()).content);
  stream.close();

  const chain: string[] = await provider.candidates(request.model);
  const { response, attempts } = await provider.completeWithFailover(request, { candidates: chain });
  const failed: Attempt[] = attempts.filter((a) => a.error !== undefined);
  seen.push(response.content, String(failed.length));
  const opened = await provider.streamWithFailover(request);
  opened.stream.close();
  return seen;
}
