// What the JavaScript packages (packages/node, packages/browser) share: their
// `ProviderError`, and the conversions between their public API's values and
// the WIT's (jco's camelCase shape). Each package's build copies this file into
// its own src/common/, so that every package is whole when packed.

/** The public router. */
export const DEFAULT_BASE_URL = 'https://router.huggingface.co/v1';

/** Every failure the provider reports: `kind` is the WIT `error-kind`. */
export class ProviderError extends Error {
  constructor(error, attempts) {
    super(error.details.message);
    this.name = 'ProviderError';
    this.kind = error.kind;
    this.status = error.details.status;
    this.requestId = error.details.requestId;
    this.provider = error.details.provider;
    this.retryAfterSecs = error.details.retryAfterSecs;
    if (attempts) this.attempts = attempts;
  }
}

/** A ProviderError as the WIT's provider-error value. */
export function witError(error) {
  const { kind, message, status, requestId, provider, retryAfterSecs } = error;
  return { kind, details: { message, status, requestId, provider, retryAfterSecs } };
}

/** A WIT provider-error as a ProviderError (`undefined` stays undefined). */
export const asError = (error) => (error === undefined ? undefined : new ProviderError(error));

const text = (value) => ({ tag: 'text', val: value });
const json = (value) => (value === undefined || typeof value === 'string' ? value : JSON.stringify(value));

function content(value) {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return text(value);
  return {
    tag: 'parts',
    val: value.map((part) =>
      part.type === 'text' ? text(part.text) : { tag: 'image-url', val: { url: part.url, detail: part.detail } },
    ),
  };
}

function toolChoice(choice) {
  if (choice === undefined) return undefined;
  if (typeof choice === 'string') return { tag: choice };
  return { tag: 'function', val: choice.function };
}

function responseFormat(format) {
  if (format === undefined) return undefined;
  if (typeof format === 'string') return { tag: format };
  const { name, schema, strict } = format.jsonSchema;
  return { tag: 'json-schema', val: { name, schema: json(schema), strict } };
}

/** A chat request as the WIT takes it: lists present, content as variants. */
export function chatRequest(request) {
  return {
    model: request.model,
    messages: request.messages.map((m) => ({
      role: m.role,
      content: content(m.content),
      name: m.name,
      toolCalls: m.toolCalls ?? [],
      toolCallId: m.toolCallId,
    })),
    maxTokens: request.maxTokens,
    temperature: request.temperature,
    topP: request.topP,
    stop: request.stop ?? [],
    seed: request.seed,
    frequencyPenalty: request.frequencyPenalty,
    presencePenalty: request.presencePenalty,
    tools: (request.tools ?? []).map((t) => ({ name: t.name, description: t.description, parameters: json(t.parameters) })),
    toolChoice: toolChoice(request.toolChoice),
    responseFormat: responseFormat(request.responseFormat),
    reasoningEffort: request.reasoningEffort,
  };
}

/** A WIT stream event as `{type, …}`. */
export function streamEvent({ tag, val }) {
  switch (tag) {
    case 'content':
    case 'reasoning':
      return { type: tag, text: val };
    case 'tool-call':
      return { type: tag, ...val };
    case 'usage':
      return { type: tag, ...val };
    default:
      return { type: 'finish', reason: val };
  }
}

export const EMPTY_CONFIG = { primary: undefined, fallbacks: [], aliases: [], models: [], baseUrl: undefined };
