// Types the JavaScript packages (packages/node, packages/browser) share, written
// once: what api.js exports to them (`DEFAULT_BASE_URL`, `ProviderError`; its
// conversion helpers are internal and left out), the records the provider
// returns, and the request and event shapes of their API. Each package's
// index.d.ts re-exports all of it (`export *`) beside what is its own; each
// package's build copies this folder's top-level files (not test/) into its
// src/common/, so that every package is whole when packed.
//
// The records have jco's shape for the WIT (camelCase fields, `undefined` for
// none, `{tag, val}` variants, flags as objects of booleans), which both
// packages return: packages/node/test/types.test.mjs checks them, with
// `tsc --strict`, against the types jco generates from wit/.

/** The public router. */
export declare const DEFAULT_BASE_URL: string;

/** What kind of failure it is; branch on this. */
export type ErrorKind =
  | 'invalid-model-ref' | 'config' | 'unauthorized' | 'forbidden' | 'payment-required'
  | 'model-not-supported' | 'not-found' | 'bad-request' | 'rate-limited' | 'overloaded'
  | 'server-error' | 'timeout' | 'transport' | 'malformed-response' | 'response-too-large'
  | 'truncated-stream' | 'stream-error' | 'unsupported';

/** Why a failed candidate lets failover move on. */
export type FailoverReason =
  | 'auth' | 'auth-permanent' | 'billing' | 'rate-limit' | 'overloaded' | 'timeout' | 'model-not-found' | 'format';

/** What is known about a failure besides its kind. */
export interface ErrorDetails {
  /** Human-readable explanation; never contains the token. */
  message: string;
  status?: number;
  requestId?: string;
  provider?: string;
  retryAfterSecs?: number;
}

/** A provider error as a value, the WIT's `provider-error` (what `ProviderError` is built from). */
export interface WitProviderError {
  kind: ErrorKind;
  details: ErrorDetails;
}

/** Every failure the provider reports; branch on `kind`. */
export declare class ProviderError extends Error {
  constructor(error: WitProviderError, attempts?: Attempt[]);
  readonly name: 'ProviderError';
  /** The WIT `error-kind`: `unauthorized`, `payment-required`, `rate-limited`, … */
  readonly kind: ErrorKind;
  /** HTTP status of the failed response, if there was one. */
  readonly status: number | undefined;
  /** The router's `x-request-id`, if known (in a page: if CORS exposes it). */
  readonly requestId: string | undefined;
  /** The inference provider that served the call, if known. */
  readonly provider: string | undefined;
  /** Seconds to wait before retrying, if known. */
  readonly retryAfterSecs: number | undefined;
  /** For a failover run: every attempt, in order. */
  readonly attempts?: Attempt[];
}

/** A routing policy the router understands. */
export type Policy = 'fastest' | 'cheapest' | 'preferred';
/** How the router picks an inference provider: a policy, or a pinned provider. */
export type Route = { tag: 'policy'; val: Policy } | { tag: 'provider'; val: string };

/** A parsed model reference. */
export interface ModelRef {
  /** Always `huggingface`. */
  provider: string;
  /** Hub model id, `org/model`. */
  model: string;
  route?: Route;
  /** OpenClaw auth profile (`@name`); never sent to the API. */
  profile?: string;
  /** What goes in the request's `model` field: the id and its route suffix. */
  wireModel: string;
  /** `huggingface/<org>/<model>[:route][@profile]`. */
  normalized: string;
}

export type Modality = 'text' | 'image';

/** USD per million tokens. */
export interface Cost {
  input: number;
  output: number;
  cacheRead: number;
  cacheWrite: number;
}

/** Which metadata fields hold defaults rather than published numbers. */
export interface DefaultedFields {
  contextWindow?: boolean;
  maxTokens?: boolean;
  cost?: boolean;
}

/** One inference provider serving a model, as discovery reported it. */
export interface RouteInfo {
  provider: string;
  /** `live`, `error`, or whatever the router said. */
  status: string;
  contextLength?: number;
  /** USD per million tokens. */
  pricing?: { input: number; output: number };
  supportsTools?: boolean;
  supportsStructuredOutput?: boolean;
  firstTokenLatencyMs?: number;
  /** Tokens per second. */
  throughput?: number;
  isModelAuthor?: boolean;
  isFree?: boolean;
}

/** A model as the provider lists it. */
export interface ModelInfo {
  /** `huggingface/<id>`. */
  reference: string;
  /** Hub id; a configured variant keeps its route suffix (`Qwen/Qwen3-8B:cheapest`). */
  id: string;
  name: string;
  /** Configured alias; overrides `name` for display. */
  alias?: string;
  reasoning: boolean;
  input: Modality[];
  contextWindow: number;
  maxTokens: number;
  cost: Cost;
  /** `false` when a live route lacks tools; `undefined` when unknown. */
  supportsTools?: boolean;
  /** Every route discovery reported; empty when not discovered. */
  routes: RouteInfo[];
  defaulted: DefaultedFields;
  /** Provider-specific options a configuration set, as JSON text. */
  options?: string;
}

/** A model entry a user configured; unset fields are filled from the catalog. */
export interface ConfiguredModel {
  id: string;
  name?: string;
  alias?: string;
  reasoning?: boolean;
  input?: Modality[];
  contextWindow?: number;
  maxTokens?: number;
  cost?: Cost;
  /** Every other field of the entry, as JSON text. */
  options?: string;
}

/** An OpenClaw-style configuration, reduced to what this provider uses. */
export interface Config {
  primary?: string;
  fallbacks: string[];
  /** References and their aliases, in order. */
  aliases: [string, string][];
  models: ConfiguredModel[];
  baseUrl?: string;
}

export type CatalogSource = 'discovered' | 'builtin';
export type Role = 'system' | 'user' | 'assistant' | 'tool';
export type FinishReason = 'stop' | 'length' | 'tool-use' | 'error';

export interface ToolCall {
  id: string;
  name: string;
  /** JSON text. */
  arguments: string;
}

export interface Usage {
  promptTokens: number;
  completionTokens: number;
  totalTokens: number;
}

/** A finished chat completion. */
export interface ChatResponse {
  /** The model reference that answered, normalised. */
  model: string;
  /** Answer text; empty when the model only called tools. */
  content: string;
  reasoning?: string;
  toolCalls: ToolCall[];
  finishReason: FinishReason;
  usage?: Usage;
  provider?: string;
  requestId?: string;
}

export type ContentPart =
  | { type: 'text'; text: string }
  | { type: 'image-url'; url: string; detail?: 'auto' | 'low' | 'high' };

export interface MessageInput {
  role: Role;
  /** Text, or text and image parts; omitted for an assistant message that only calls tools. */
  content?: string | ContentPart[];
  name?: string;
  toolCalls?: ToolCall[];
  toolCallId?: string;
}

export interface ToolInput {
  name: string;
  description?: string;
  /** JSON Schema of the parameters: an object or its JSON text. */
  parameters?: string | object;
}

export interface ChatRequestInput {
  /** `huggingface/<org>/<model>[:fastest|:cheapest|:preferred|:<provider>]` */
  model: string;
  messages: MessageInput[];
  maxTokens?: number;
  temperature?: number;
  topP?: number;
  stop?: string[];
  seed?: number | bigint;
  frequencyPenalty?: number;
  presencePenalty?: number;
  tools?: ToolInput[];
  toolChoice?: 'auto' | 'none' | 'required' | { function: string };
  responseFormat?: 'text' | 'json-object' | { jsonSchema: { name: string; schema: string | object; strict?: boolean } };
  reasoningEffort?: 'low' | 'medium' | 'high';
}

export type StreamEvent =
  | { type: 'content'; text: string }
  | { type: 'reasoning'; text: string }
  | { type: 'tool-call'; index: number; id?: string; name?: string; arguments: string }
  | { type: 'usage'; promptTokens: number; completionTokens: number; totalTokens: number }
  | { type: 'finish'; reason: FinishReason };

export interface Discovery {
  models: ModelInfo[];
  source: CatalogSource;
  /** In advisory mode, why discovery fell back to the built-in catalog. */
  warning?: ProviderError;
}

export interface Attempt {
  model: string;
  /** `undefined` when it succeeded. */
  error?: ProviderError;
}
