// Types of the Node API. The records the component returns (models, references,
// responses, configurations) are jco's own types for the WIT, generated with
// the component, so they always match it.

import type {
  ErrorKind,
  FailoverReason,
  ModelInfo,
  ModelRef,
  ProviderError as WitProviderError,
  Config,
} from '../component/interfaces/huggingface-provider-types.js';
import type { ChatResponse, HttpRequest, Role, ToolCall, FinishReason, Usage } from '../component/interfaces/huggingface-provider-chat.js';
import type { CatalogSource } from '../component/interfaces/huggingface-provider-catalog.js';

export type {
  ErrorKind,
  FailoverReason,
  ModelInfo,
  ModelRef,
  Config,
  ChatResponse,
  HttpRequest,
  Role,
  ToolCall,
  FinishReason,
  Usage,
  CatalogSource,
  WitProviderError,
};

/** The public router. */
export declare const DEFAULT_BASE_URL: string;

/** Every failure the provider reports; branch on `kind`. */
export declare class ProviderError extends Error {
  constructor(error: WitProviderError, attempts?: Attempt[]);
  readonly name: 'ProviderError';
  /** The WIT `error-kind`: `unauthorized`, `payment-required`, `rate-limited`, … */
  readonly kind: ErrorKind;
  /** HTTP status of the failed response, if there was one. */
  readonly status: number | undefined;
  /** The router's `x-request-id`, if known. */
  readonly requestId: string | undefined;
  /** The inference provider that served the call, if known. */
  readonly provider: string | undefined;
  /** Seconds to wait before retrying, if known. */
  readonly retryAfterSecs: number | undefined;
  /** For a failover run: every attempt, in order. */
  readonly attempts?: Attempt[];
}

export interface ProviderOptions {
  /** Router base URL (default `DEFAULT_BASE_URL`); the component may reach its origin only. */
  baseUrl?: string;
  /** The token; omitted: resolved from `env` and the token file; `null`: none. */
  token?: string | null;
  /** Where to resolve the token from (default `process.env`). */
  env?: Record<string, string | undefined>;
  /** Connect, first-byte and between-bytes timeout, each, in milliseconds (default 30000). */
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

/** A streamed answer: iterate it for events; leaving the loop early closes it. */
export declare class ChatStream implements AsyncIterable<StreamEvent> {
  private constructor();
  [Symbol.asyncIterator](): AsyncIterator<StreamEvent>;
  /** The answer assembled so far; complete once the loop has ended. */
  response(): Promise<ChatResponse>;
  /** Closes the connection (done for you when the loop ends). */
  close(): Promise<void>;
}

/** The provider: one component instance in its own worker thread. */
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
  close(): Promise<void>;
}
