// Types of the Node API. What it shares with the browser package (the records
// the component returns, requests, stream events, `ProviderError`, most of
// `Provider`) is declared once in packages/js-common, copied into src/common/
// by the build; packages/node/test/types.test.mjs checks those records against
// the types jco generates from the component's WIT. Here: what is Node's own.

import type { BaseProvider, BaseProviderOptions } from './common/base.js';
import type { ChatResponse, StreamEvent } from './common/api.js';

export * from './common/api.js';

export interface ProviderOptions extends BaseProviderOptions {
  /** Router base URL (default `DEFAULT_BASE_URL`); the component may reach its origin only. */
  baseUrl?: string;
  /** The token; omitted: resolved from `env` and the token file; `null`: none. */
  token?: string | null;
  /** Where to resolve the token from (default `process.env`). */
  env?: Record<string, string | undefined>;
  /** Connect, first-byte and between-bytes timeout, each, in milliseconds (default 30000). */
  timeoutMs?: number;
}

/** A request built but not sent (`Provider.buildRequest`). */
export interface HttpRequest {
  method: 'get' | 'post';
  url: string;
  /** Includes `Authorization`: treat as secret. */
  headers: [string, string][];
  /** The JSON body, as bytes. */
  body: Uint8Array;
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

/** The provider: one component instance in its own worker thread; its methods are `BaseProvider`'s and these. */
export interface Provider extends BaseProvider<ChatStream, HttpRequest> {}
export declare class Provider {
  private constructor();
  static create(options?: ProviderOptions): Promise<Provider>;
  /** Stops the worker; the provider is unusable afterwards. */
  close(): Promise<void>;
}
