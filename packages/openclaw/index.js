// The OpenClaw plugin `huggingface`: OpenClaw's Hugging Face provider supplied
// by the huggingface:provider WebAssembly component (through the Node package
// `huggingface-provider`, which runs it in a worker thread).
//
// What the component does here: discovery and its merge with the OpenClaw
// configuration (catalog.run), reference parsing and display names for ids
// outside the catalog (prepareDynamicModel), every chat request and its
// streamed answer (createStreamFn), and the classification of every failure
// (classifyFailoverReason). OpenClaw keeps its own failover chain: its fallbacks
// may name other providers and its cooldowns persist across runs, so one
// attempt here is one request, and the component says whether the next
// candidate should be tried.
//
// OpenClaw loads the entry with require(): no top-level await, so the package
// is imported on first use.

import { createProviderApiKeyAuthMethod } from 'openclaw/plugin-sdk/provider-auth';
import { LruMap, MAX_PREPARED_MODELS, MAX_PROVIDERS, ProviderPool } from './cache.js';

const PROVIDER = 'huggingface';
const DEFAULT_BASE_URL = 'https://router.huggingface.co/v1';
const DEFAULT_MODEL = 'huggingface/deepseek-ai/DeepSeek-R1';
const API = 'openai-completions';

/** The component's failover reasons as OpenClaw names them. */
const FAILOVER_REASONS = {
  auth: 'auth',
  'auth-permanent': 'auth_permanent',
  billing: 'billing',
  'rate-limit': 'rate_limit',
  overloaded: 'overloaded',
  timeout: 'timeout',
  'model-not-found': 'model_not_found',
  format: 'format',
};

/** The plugin's settings (`plugins.entries.huggingface.config`). */
function settingsOf(config, fallback) {
  const entry = config?.plugins?.entries?.[PROVIDER];
  return (entry && typeof entry === 'object' && entry.config) || fallback || {};
}

/**
 * One component instance per router, token and configuration, started on first
 * use; the MAX_PROVIDERS most recently used are kept (cache.js), and one dropped
 * is closed when its calls have ended.
 */
const providers = new ProviderPool(MAX_PROVIDERS);
function withProvider(baseUrl, token, config, fn) {
  const configText = JSON.stringify(config ?? {});
  const key = JSON.stringify([baseUrl, token ?? null, configText]);
  const start = () =>
    import('huggingface-provider').then(({ Provider }) => Provider.create({ baseUrl, token: token ?? null, config: configText }));
  return providers.use(key, start, fn);
}

/**
 * Models for the synchronous hook, by id: the last catalog run's (replaced by
 * each run, so no more than one discovery and configuration name), and those a
 * preparation resolved (the MAX_PREPARED_MODELS most recently used), which win.
 */
let catalogModels = new Map();
const prepared = new LruMap(MAX_PREPARED_MODELS);
const knownModel = (id) => prepared.get(id) ?? catalogModels.get(id);

/** A component model as an OpenClaw model definition. */
function definition(model) {
  return {
    id: model.id,
    name: model.alias ?? model.name,
    reasoning: model.reasoning,
    input: model.input,
    contextWindow: model.contextWindow,
    maxTokens: model.maxTokens,
    cost: { ...model.cost },
    ...(model.supportsTools === false ? { compat: { supportsTools: false } } : {}),
  };
}

const runtimeModel = (model, baseUrl) => ({ ...model, provider: PROVIDER, api: API, baseUrl });

/** Text of OpenClaw content blocks. */
const textOf = (content) =>
  typeof content === 'string' ? content : content.filter((c) => c.type === 'text').map((c) => c.text).join('');

/** An OpenClaw conversation as the component's chat request. */
function chatRequest(model, context, options) {
  const messages = [];
  if (context.systemPrompt) messages.push({ role: 'system', content: context.systemPrompt });
  for (const message of context.messages) {
    if (message.role === 'user') {
      const content =
        typeof message.content === 'string'
          ? message.content
          : message.content.map((c) =>
              c.type === 'image' ? { type: 'image-url', url: `data:${c.mimeType};base64,${c.data}` } : { type: 'text', text: c.text },
            );
      messages.push({ role: 'user', content });
    } else if (message.role === 'assistant') {
      const toolCalls = message.content
        .filter((c) => c.type === 'toolCall')
        .map((c) => ({ id: c.id, name: c.name, arguments: JSON.stringify(c.arguments ?? {}) }));
      const text = textOf(message.content);
      messages.push({ role: 'assistant', content: text || undefined, toolCalls });
    } else if (message.role === 'toolResult') {
      messages.push({ role: 'tool', content: textOf(message.content), toolCallId: message.toolCallId });
    }
  }
  return {
    model: `${PROVIDER}/${model.id}`,
    messages,
    maxTokens: options?.maxTokens ?? model.maxTokens,
    temperature: options?.temperature,
    tools: (context.tools ?? []).map((t) => ({ name: t.name, description: t.description, parameters: t.parameters })),
  };
}

/** The event stream OpenClaw reads: events in order, then the final message. */
class EventStream {
  #queue = [];
  #waiting = [];
  #ended = false;
  #result;
  #settle;

  constructor() {
    this.#result = new Promise((resolve) => {
      this.#settle = resolve;
    });
  }

  push(event) {
    if (this.#ended) return;
    if (event.type === 'done' || event.type === 'error') {
      this.#ended = true;
      this.#settle(event.type === 'done' ? event.message : event.error);
    }
    const waiter = this.#waiting.shift();
    if (waiter) waiter({ value: event, done: false });
    else this.#queue.push(event);
    if (this.#ended) for (const w of this.#waiting.splice(0)) w({ value: undefined, done: true });
  }

  async *[Symbol.asyncIterator]() {
    for (;;) {
      if (this.#queue.length) yield this.#queue.shift();
      else if (this.#ended) return;
      else {
        const next = await new Promise((resolve) => this.#waiting.push(resolve));
        if (next.done) return;
        yield next.value;
      }
    }
  }

  result() {
    return this.#result;
  }
}

const STOP_REASONS = { stop: 'stop', length: 'length', 'tool-use': 'toolUse', error: 'error' };

/** A chat through the component, its events in OpenClaw's shape. */
function streamThroughComponent(baseUrl, config) {
  return (model, context, options) => {
    const out = new EventStream();
    const message = {
      role: 'assistant',
      content: [],
      api: model.api,
      provider: model.provider,
      model: model.id,
      usage: { input: 0, output: 0, cacheRead: 0, cacheWrite: 0, totalTokens: 0, cost: { input: 0, output: 0, cacheRead: 0, cacheWrite: 0, total: 0 } },
      stopReason: 'stop',
      timestamp: Date.now(),
    };
    out.push({ type: 'start', partial: message });
    (async () => {
      let open;
      /** The text or thinking block being written, closed when another kind begins. */
      const close = () => {
        if (!open) return;
        const index = message.content.length - 1;
        const block = message.content[index];
        out.push(open === 'text'
          ? { type: 'text_end', contentIndex: index, content: block.text, partial: message }
          : { type: 'thinking_end', contentIndex: index, content: block.thinking, partial: message });
        open = undefined;
      };
      const write = (kind, text) => {
        if (open !== kind) {
          close();
          message.content.push(kind === 'text' ? { type: 'text', text: '' } : { type: 'thinking', thinking: '' });
          open = kind;
          out.push({ type: `${kind}_start`, contentIndex: message.content.length - 1, partial: message });
        }
        const block = message.content.at(-1);
        if (kind === 'text') block.text += text;
        else block.thinking += text;
        out.push({ type: `${kind}_delta`, contentIndex: message.content.length - 1, delta: text, partial: message });
      };
      /** Ends the stream with `error`, classified by `provider` when it started. */
      const fail = async (error, provider) => {
        close();
        message.stopReason = options?.signal?.aborted ? 'aborted' : 'error';
        message.errorMessage = error.status ? `${error.status}: ${error.message}` : String(error.message ?? error);
        if (error.kind) {
          message.errorCode = String(error.status ?? error.kind);
          // The component's failover reason, for classifyFailoverReason below.
          message.errorType = await provider?.failoverReason(error).catch(() => undefined) ?? error.kind;
        }
        out.push({ type: 'error', reason: message.stopReason, error: message });
      };
      const run = async (provider) => {
        const stream = await provider.stream(chatRequest(model, context, options));
        options?.signal?.addEventListener('abort', () => stream.close(), { once: true });
        for await (const event of stream) {
          if (event.type === 'content') write('text', event.text);
          else if (event.type === 'reasoning') write('thinking', event.text);
          else if (event.type === 'usage') {
            Object.assign(message.usage, { input: event.promptTokens, output: event.completionTokens, totalTokens: event.totalTokens });
          } else if (event.type === 'finish') message.stopReason = STOP_REASONS[event.reason] ?? 'stop';
        }
        close();
        // Tool calls come from the answer the component assembled.
        for (const call of (await stream.response()).toolCalls) {
          let args;
          try {
            args = JSON.parse(call.arguments || '{}');
          } catch {
            args = {};
          }
          const toolCall = { type: 'toolCall', id: call.id, name: call.name, arguments: args };
          message.content.push(toolCall);
          const index = message.content.length - 1;
          out.push({ type: 'toolcall_start', contentIndex: index, partial: message });
          out.push({ type: 'toolcall_delta', contentIndex: index, delta: call.arguments, partial: message });
          out.push({ type: 'toolcall_end', contentIndex: index, toolCall, partial: message });
        }
        if (message.stopReason === 'error') throw new Error('the model stopped with an error');
        out.push({ type: 'done', reason: message.stopReason, message });
      };
      try {
        // The whole chat, its classification included, inside one use of the provider.
        await withProvider(baseUrl, options?.apiKey, config, (provider) => run(provider).catch((error) => fail(error, provider)));
      } catch (error) {
        await fail(error, undefined); // The provider did not start.
      }
    })();
    return out;
  };
}

export default {
  id: PROVIDER,
  name: 'Hugging Face (WebAssembly component)',
  description: 'Hugging Face Inference Providers through the sandboxed huggingface:provider component',
  register(api) {
    const baseUrlOf = (config) => settingsOf(config, api.pluginConfig).baseUrl ?? DEFAULT_BASE_URL;
    api.registerProvider({
      id: PROVIDER,
      label: 'Hugging Face',
      docsPath: '/providers/huggingface',
      envVars: ['HUGGINGFACE_HUB_TOKEN', 'HF_TOKEN'],
      auth: [
        createProviderApiKeyAuthMethod({
          providerId: PROVIDER,
          methodId: 'api-key',
          label: 'Hugging Face API key',
          hint: 'Inference Providers (HF token)',
          optionKey: 'huggingfaceApiKey',
          flagName: '--huggingface-api-key',
          envVar: 'HUGGINGFACE_HUB_TOKEN',
          promptMessage: 'Enter a Hugging Face token with the "Make calls to Inference Providers" permission',
          defaultModel: DEFAULT_MODEL,
          wizard: { choiceId: 'huggingface-api-key', choiceLabel: 'Hugging Face API key', groupId: 'huggingface', groupLabel: 'Hugging Face' },
        }),
      ],
      catalog: {
        order: 'simple',
        run: async (ctx) => {
          const baseUrl = baseUrlOf(ctx.config);
          // `apiKey` may be a reference OpenClaw resolves later (an environment
          // variable's name); `discoveryApiKey` is the token itself.
          const { apiKey, discoveryApiKey } = ctx.resolveProviderApiKey(PROVIDER);
          // Without a token the component sends nothing and lists its built-in catalog.
          const strict = settingsOf(ctx.config, api.pluginConfig).discovery?.strict === true;
          const listed = await withProvider(baseUrl, discoveryApiKey, ctx.config, (provider) => provider.models({ strict }));
          const models = listed.map(definition);
          catalogModels = new Map(models.map((model) => [model.id, model]));
          for (const id of catalogModels.keys()) prepared.delete(id);
          return { provider: { baseUrl, api: API, ...(apiKey ? { apiKey } : {}), models } };
        },
      },
      // Synchronous: what the catalog or a preparation already resolved.
      resolveDynamicModel: (ctx) => {
        const model = knownModel(ctx.modelId);
        return model ? runtimeModel(model, baseUrlOf(ctx.config)) : undefined;
      },
      // Asynchronous: any reference the component accepts (`org/model:cheapest`, …),
      // with the metadata of its base model when the catalog has it.
      prepareDynamicModel: async (ctx) => {
        const baseUrl = baseUrlOf(ctx.config);
        const model = await withProvider(baseUrl, undefined, ctx.config, async (provider) => {
          let reference;
          try {
            reference = await provider.parseModelRef(`${PROVIDER}/${ctx.modelId}`);
          } catch {
            return undefined;
          }
          const builtin = await provider.builtinCatalog();
          // Prepared models first (the latest word on an id), then the catalog run's, else the built-in catalog's.
          const catalog = [...prepared.values(), ...(catalogModels.size ? catalogModels.values() : builtin.map(definition))];
          const base = catalog.find((m) => m.id === reference.model);
          const name = await provider.displayName(reference.normalized, builtin);
          return {
            ...(base ?? { reasoning: false, input: ['text'], contextWindow: 131072, maxTokens: 8192, cost: { input: 0, output: 0, cacheRead: 0, cacheWrite: 0 } }),
            id: ctx.modelId,
            name: base?.name ?? name,
          };
        });
        if (!model) return undefined;
        prepared.set(ctx.modelId, model);
        return runtimeModel(model, baseUrl);
      },
      createStreamFn: (ctx) => streamThroughComponent(baseUrlOf(ctx.config), ctx.config),
      classifyFailoverReason: (ctx) => FAILOVER_REASONS[ctx.errorType],
    });
  },
};
