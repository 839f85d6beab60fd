// Types of the browser package. The records have the same shape as the Node
// package's (jco's for the WIT): camelCase fields, `undefined` for none,
// `{tag, val}` variants, flags as objects of booleans.

/** The public router. */
export declare const DEFAULT_BASE_URL: string;

/** Loads the WebAssembly module once (done by `Provider.create`). */
export declare function load(module?: string | URL | Response | BufferSource | WebAssembly.Module): Promise<void>;

/** What kind of failure it is; branch on this. */
export type ErrorKind =
  | 'invalid-model-ref' | 'config' | 'unauthorized' | 'forbidden' | 'payment-required'
  | 'model-not-supported' | 'not-found' | 'bad-request' | 'rate-limited' | 'overloaded'
  | 'server-error' | 'timeout' | 'transport' | 'malformed-response' | 'response-too-large'
  | 'truncated-stream' | 'stream-error' | 'unsupported';

/** Why a failed candidate lets failover move on. */
export type FailoverReason =
  | 'auth' | 'auth-permanent' | 'billing' | 'rate-limit' | 'overloaded' | 'timeout' | 'model-not-found' | 'format';

export interface ErrorDetails {
  message: string;
  status?: number;
  requestId?: string;
  provider?: string;
  retryAfterSecs?: number;
}

/** A provider error as a value (what `ProviderError` is built from). */
export interface WitProviderError {
  kind: ErrorKind;
  details: ErrorDetails;
}

export type Policy = 'fastest' | 'cheapest' | 'preferred';
export type Route = { tag: 'policy'; val: Policy } | { tag: 'provider'; val: string };

export interface ModelRef {
  provider: string;
  model: string;
  route?: Route;
  profile?: string;
  wireModel: string;
  normalized: string;
}

export type Modality = 'text' | 'image';

export interface Cost {
  input: number;
  output: number;
  cacheRead: number;
  cacheWrite: number;
}

export interface DefaultedFields {
  contextWindow?: boolean;
  maxTokens?: boolean;
  cost?: boolean;
}

export interface RouteInfo {
  provider: string;
  status: string;
  contextLength?: number;
  pricing?: { input: number; output: number };
  supportsTools?: boolean;
  supportsStructuredOutput?: boolean;
  firstTokenLatencyMs?: number;
  throughput?: number;
  isModelAuthor?: boolean;
  isFree?: boolean;
}

export interface ModelInfo {
  /** `huggingface/<id>`. */
  reference: string;
  id: string;
  name: string;
  alias?: string;
  reasoning: boolean;
  input: Modality[];
  contextWindow: number;
  maxTokens: number;
  cost: Cost;
  supportsTools?: boolean;
  routes: RouteInfo[];
  defaulted: DefaultedFields;
  /** Provider-specific options a configuration set, as JSON text. */
  options?: string;
}

export interface ConfiguredModel {
  id: string;
  name?: string;
  alias?: string;
  reasoning?: boolean;
  input?: Modality[];
  contextWindow?: number;
  maxTokens?: number;
  cost?: Cost;
  options?: string;
}

export interface Config {
  primary?: string;
  fallbacks: string[];
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

export interface ChatResponse {
  model: string;
  content: string;
  reasoning?: string;
  toolCalls: ToolCall[];
  finishReason: FinishReason;
  usage?: Usage;
  provider?: string;
  requestId?: string;
}

export interface HttpRequest {
  method: 'get' | 'post';
  url: string;
  /** Includes `Authorization`: treat as secret. */
  headers: [string, string][];
  /** The JSON body, as text. */
  body: string;
}

/** Every failure the provider reports; branch on `kind`. */
export declare class ProviderError extends Error {
  constructor(error: WitProviderError, attempts?: Attempt[]);
  readonly name: 'ProviderError';
  readonly kind: ErrorKind;
  /** HTTP status of the failed response, if there was one. */
  readonly status: number | undefined;
  /** The router's `x-request-id`, if known (and exposed to the page by CORS). */
  readonly requestId: string | undefined;
  /** The inference provider that served the call, if known. */
  readonly provider: string | undefined;
  /** Seconds to wait before retrying, if known. */
  readonly retryAfterSecs: number | undefined;
  /** For a failover run: every attempt, in order. */
  readonly attempts?: Attempt[];
}

export interface ProviderOptions {
  /** Router base URL (default `DEFAULT_BASE_URL`); in a page, a path is resolved against the page. */
  baseUrl?: string;
  /** The token; omitted or `null`: none. Every script on the page can read it. */
  token?: string | null;
  /** `baseUrl` is a proxy that adds the token: requests go without one. */
  proxyAddsToken?: boolean;
  /** Time to the response head, and between body reads, each, in milliseconds (default 30000). */
  timeoutMs?: number;
  /** Organisation to bill (`X-HF-Bill-To`). */
  billTo?: string;
  /** Total time for discovery or a non-streamed completion (default 300000). */
  requestDeadlineMs?: number;
  /** Longest wait for a stream's next event (default 60000). */
  streamIdleMs?: number;
  /** Total time for a stream (default 1800000). */
  streamDeadlineMs?: number;
  /** An OpenClaw-style configuration, JSON or JSON5 text. */
  config?: string;
  /** Where to load the `.wasm` from, when not beside the module. */
  module?: string | URL | Response | BufferSource | WebAssembly.Module;
}

export type ContentPart =
  | { type: 'text'; text: string }
  | { type: 'image-url'; url: string; detail?: 'auto' | 'low' | 'high' };

export interface MessageInput {
  role: Role;
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

/** A streamed answer: iterate it for events; leaving the loop early aborts the request. */
export declare class ChatStream implements AsyncIterable<StreamEvent> {
  private constructor();
  [Symbol.asyncIterator](): AsyncIterator<StreamEvent>;
  /** The answer assembled so far; complete once the loop has ended. */
  response(): Promise<ChatResponse>;
  /** Aborts the request (done for you when the loop ends). */
  close(): void;
}

/** A streaming body the caller reads itself, decoded as it arrives (sans-IO). */
export declare class StreamDecoder {
  private constructor();
  /** The events the bytes complete (none while an event is incomplete). */
  feed(bytes: string | Uint8Array): StreamEvent[];
  /** Ends the body: the last events, or a `truncated-stream` error. */
  finish(): StreamEvent[];
  /** Whether `data: [DONE]` has arrived. */
  readonly isDone: boolean;
  /** The answer assembled so far. */
  response(): ChatResponse;
}

/** The provider: settings, a configuration, and the cooldowns of its failover runs. */
export declare class Provider {
  private constructor();
  static create(options?: ProviderOptions): Promise<Provider>;
  /** The configuration in use, parsed. */
  readonly config: Config;
  parseModelRef(reference: string): Promise<ModelRef>;
  normalizeModelRef(reference: string): Promise<string>;
  builtinCatalog(): Promise<ModelInfo[]>;
  discover(options?: { strict?: boolean }): Promise<Discovery>;
  /** Discovered (or built-in) models with the configuration laid over them. */
  models(options?: { strict?: boolean }): Promise<ModelInfo[]>;
  projectModels(body: string | Uint8Array): Promise<ModelInfo[]>;
  displayName(reference: string, models: ModelInfo[]): Promise<string>;
  parseConfig(text: string): Promise<Config>;
  onboard(existing: string | null | undefined, models: ModelInfo[], options: { hasToken: boolean }): Promise<string>;
  buildRequest(request: ChatRequestInput, options?: { stream?: boolean }): Promise<HttpRequest>;
  /** A response the caller received itself: its completion, or its typed error (rejected). */
  parseResponse(
    model: string,
    response: { status: number; headers?: [string, string][]; body: string | Uint8Array },
  ): Promise<ChatResponse>;
  /** A decoder for a 2xx streaming answer the caller reads itself. */
  decodeStream(model: string, headers?: [string, string][]): Promise<StreamDecoder>;
  complete(request: ChatRequestInput): Promise<ChatResponse>;
  stream(request: ChatRequestInput): Promise<ChatStream>;
  /** How failover treats an error, or `undefined` for errors no other model can change. */
  failoverReason(error: ProviderError): Promise<FailoverReason | undefined>;
  candidates(model?: string): Promise<string[]>;
  completeWithFailover(
    request: ChatRequestInput,
    options?: { candidates?: string[] },
  ): Promise<{ response: ChatResponse; attempts: Attempt[] }>;
  streamWithFailover(
    request: ChatRequestInput,
    options?: { candidates?: string[] },
  ): Promise<{ stream: ChatStream; attempts: Attempt[] }>;
}
