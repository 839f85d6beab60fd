// What each package's own declarations build on, written once: the options and
// the `Provider` methods both packages have. The packages do not export these
// names; their `ProviderOptions` extends `BaseProviderOptions`, and their
// `Provider` class merges `BaseProvider` (an interface of the same name as a
// class adds its members to the class), given the package's own `ChatStream`
// and `HttpRequest`.

import type { Attempt, ChatRequestInput, ChatResponse, Config, Discovery, FailoverReason, ModelInfo, ModelRef, ProviderError } from './api.js';

/** The options both packages take. */
export interface BaseProviderOptions {
  /** Organisation to bill (`X-HF-Bill-To`). */
  billTo?: string;
  /** Total time for discovery or a non-streamed completion, in milliseconds (default 300000). */
  requestDeadlineMs?: number;
  /** Longest wait for a stream's next event, in milliseconds (default 60000). */
  streamIdleMs?: number;
  /** Total time for a stream, in milliseconds (default 1800000). */
  streamDeadlineMs?: number;
  /** An OpenClaw-style configuration, JSON or JSON5 text. */
  config?: string;
}

/** The methods both packages' `Provider` has. */
export interface BaseProvider<Stream, Request> {
  /** The configuration in use (from `config`), parsed. */
  readonly config: Config;
  parseModelRef(reference: string): Promise<ModelRef>;
  normalizeModelRef(reference: string): Promise<string>;
  builtinCatalog(): Promise<ModelInfo[]>;
  /** Discovery (`GET /models`); advisory unless `strict`: then a failure rejects instead of falling back. */
  discover(options?: { strict?: boolean }): Promise<Discovery>;
  /** Discovered (or built-in) models with the configuration laid over them. */
  models(options?: { strict?: boolean }): Promise<ModelInfo[]>;
  /** A `GET /models` body the caller fetched itself, projected (sans-IO). */
  projectModels(body: string | Uint8Array): Promise<ModelInfo[]>;
  displayName(reference: string, models: ModelInfo[]): Promise<string>;
  parseConfig(text: string): Promise<Config>;
  /** Onboarding: the configuration (`existing` text, or none) as pretty JSON with `models` written in. */
  onboard(existing: string | null | undefined, models: ModelInfo[], options: { hasToken: boolean }): Promise<string>;
  /** The exact request the router would get (its `Authorization` header holds the token). */
  buildRequest(request: ChatRequestInput, options?: { stream?: boolean }): Promise<Request>;
  /** One non-streamed completion. */
  complete(request: ChatRequestInput): Promise<ChatResponse>;
  /** Opens a streamed completion once the router has answered 2xx. */
  stream(request: ChatRequestInput): Promise<Stream>;
  /** How failover treats an error, or `undefined` for errors no other model can change. */
  failoverReason(error: ProviderError): Promise<FailoverReason | undefined>;
  /** The failover chain for `model` (else the configured primary). */
  candidates(model?: string): Promise<string[]>;
  /** A completion with failover over `candidates` (default: the chain for `request.model`). */
  completeWithFailover(
    request: ChatRequestInput,
    options?: { candidates?: string[] },
  ): Promise<{ response: ChatResponse; attempts: Attempt[] }>;
  /** A stream with failover, like `completeWithFailover`. */
  streamWithFailover(
    request: ChatRequestInput,
    options?: { candidates?: string[] },
  ): Promise<{ stream: Stream; attempts: Attempt[] }>;
}
