// Type-checked with `tsc --strict` against the installed package (never run,
// see types.test.mjs): every export and method, used as a TypeScript user
// would, with Node's module resolution and a bundler's.

import {
  DEFAULT_BASE_URL,
  Provider,
  ProviderError,
  ChatStream,
  StreamDecoder,
  load,
  type Attempt,
  type CatalogSource,
  type ChatRequestInput,
  type ChatResponse,
  type Config,
  type ConfiguredModel,
  type ContentPart,
  type Cost,
  type DefaultedFields,
  type Discovery,
  type ErrorDetails,
  type ErrorKind,
  type FailoverReason,
  type FinishReason,
  type HttpRequest,
  type MessageInput,
  type Modality,
  type ModelInfo,
  type ModelRef,
  type Policy,
  type ProviderOptions,
  type Role,
  type Route,
  type RouteInfo,
  type StreamEvent,
  type ToolCall,
  type ToolInput,
  type Usage,
  type WitProviderError,
} from 'huggingface-provider-browser';

/** A user's own error value, as a `ProviderError`. */
export function timedOut(message: string): ProviderError {
  const details: ErrorDetails = { message, status: 504, retryAfterSecs: 2 };
  const value: WitProviderError = { kind: 'timeout', details };
  return new ProviderError(value, [{ model: 'huggingface/Qwen/Qwen3-8B', error: undefined }]);
}

export async function everything(): Promise<string[]> {
  await load(new URL('https://example.com/huggingface_provider_bg.wasm'));
  const options: ProviderOptions = {
    baseUrl: '/hf-proxy/v1',
    token: null,
    proxyAddsToken: true,
    timeoutMs: 5000,
    billTo: 'my-org',
    requestDeadlineMs: 60_000,
    streamIdleMs: 10_000,
    streamDeadlineMs: 600_000,
    config: '{}',
    module: new URL('https://example.com/huggingface_provider_bg.wasm'),
  };
  const provider: Provider = await Provider.create(options);
  const seen: string[] = [DEFAULT_BASE_URL];
  const config: Config = provider.config;
  const configured: ConfiguredModel[] = config.models;
  seen.push(String(config.fallbacks.length), ...configured.map((m) => m.alias ?? m.id));

  const ref: ModelRef = await provider.parseModelRef('huggingface/Qwen/Qwen3-8B:cheapest');
  const route: Route | undefined = ref.route;
  if (route?.tag === 'policy') {
    const policy: Policy = route.val;
    seen.push(policy);
  } else if (route) seen.push(route.val);
  seen.push(await provider.normalizeModelRef('Qwen/Qwen3-8B'));

  const builtin: ModelInfo[] = await provider.builtinCatalog();
  const discovery: Discovery = await provider.discover({ strict: false });
  const source: CatalogSource = discovery.source;
  seen.push(source);
  if (discovery.warning) seen.push(discovery.warning.kind);
  const models: ModelInfo[] = await provider.models();
  const projected = await provider.projectModels(new TextEncoder().encode('{"data":[]}'));
  const routes: RouteInfo[] = models.flatMap((m) => m.routes);
  const input: Modality[] = builtin[0].input;
  const cost: Cost = builtin[0].cost;
  const defaulted: DefaultedFields = builtin[0].defaulted;
  seen.push(String(routes.length), input.join(','), String(cost.output), String(defaulted.contextWindow));
  seen.push(await provider.displayName(builtin[0].reference, [...models, ...projected]));
  const parsed: Config = await provider.parseConfig('{ agents: {} }');
  const onboarded: string = await provider.onboard(null, builtin, { hasToken: parsed.primary === undefined });

  const role: Role = 'user';
  const parts: ContentPart[] = [{ type: 'text', text: 'What is this?' }, { type: 'image-url', url: 'https://example.com/a.png', detail: 'low' }];
  const replayed: ToolCall = { id: 'call-1', name: 'lookup', arguments: '{}' };
  const messages: MessageInput[] = [
    { role: 'system', content: 'Be brief.' },
    { role, content: parts },
    { role: 'assistant', toolCalls: [replayed] },
    { role: 'tool', content: '42', toolCallId: replayed.id },
  ];
  const tool: ToolInput = { name: 'lookup', description: 'Looks it up', parameters: { type: 'object' } };
  const request: ChatRequestInput = {
    model: 'huggingface/Qwen/Qwen3-8B',
    messages,
    maxTokens: 64,
    seed: 7n,
    tools: [tool],
    toolChoice: { function: 'lookup' },
    responseFormat: { jsonSchema: { name: 'answer', schema: { type: 'object' }, strict: true } },
    reasoningEffort: 'low',
  };
  const built: HttpRequest = await provider.buildRequest(request, { stream: true });
  seen.push(built.method, built.url, built.body, onboarded);
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
    const finish: FinishReason = answer.finishReason;
    const usage: Usage | undefined = answer.usage;
    const calls: ToolCall[] = answer.toolCalls;
    seen.push(answer.content, finish, String(usage?.totalTokens), String(calls.length));
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
